"""What a coach's event asks for: command words from content (any language) and buttons."""

from __future__ import annotations

import pytest

from flows.coaching.actions import (
    AcceptTap,
    Claim,
    CloseTap,
    Command,
    DeclineTap,
    HandoverTap,
    Help,
    Open,
    Queue,
    Unknown,
    Write,
    read,
)
from flows.command_words import CommandWords, staff_words
from flows.content import Content
from flows.messages import Inbound


@pytest.fixture(scope="module")
def words(content: Content) -> CommandWords:
    return staff_words(content.texts)


@pytest.mark.parametrize("word", ["wachtrij", "queue", "WACHTRIJ"])
def test_the_queue_is_asked_for_in_either_language(words: CommandWords, word: str) -> None:
    assert read(Inbound("command", command=word), words) == Queue()


@pytest.mark.parametrize(("word", "action"), [("pauze", "pause"), ("close", "close")])
def test_a_case_command_names_its_step(words: CommandWords, word: str, action: str) -> None:
    assert read(Inbound("command", command=word), words) == Command(action)


def test_open_takes_the_pseudonym_in_lower_case(words: CommandWords) -> None:
    event = Inbound("command", command="open", argument=" Sam-4821 ")
    assert read(event, words) == Open("sam-4821")


def test_a_command_staff_do_not_have_gets_the_help(words: CommandWords) -> None:
    assert read(Inbound("command", command="status"), words) == Help()


@pytest.mark.parametrize(
    ("data", "action"),
    [
        ("claim:7", Claim(7)),
        ("close:7:referred", CloseTap(7, "referred")),
        ("handover:7:2", HandoverTap(7, 2)),
        ("handover:7:x", HandoverTap(7, None)),
        ("accept:7", AcceptTap(7)),
        ("decline:7", DeclineTap(7)),
        ("decline:x", Unknown()),
        ("close:x:referred", Unknown()),
        ("close:7", Unknown()),
        ("q.health:3", Unknown()),
    ],
)
def test_button_data_is_read_or_refused(words: CommandWords, data: str, action: object) -> None:
    assert read(Inbound("choice", choice=data), words) == action


def test_typed_words_and_media_are_for_a_youngster(words: CommandWords) -> None:
    assert read(Inbound("media", message_id="1"), words) == Write()
