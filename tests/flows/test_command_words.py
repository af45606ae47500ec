"""Command words come from content/texts, per language; check-content refuses bad ones."""

from __future__ import annotations

from flows.command_words import staff_words, word_problems, youngster_words
from flows.content import Content


def test_the_staff_menu_shows_the_staff_member_s_own_language(content: Content) -> None:
    words = staff_words(content.texts)
    assert [word for word, _ in words.menu("en")][:2] == ["queue", "open"]
    assert [word for word, _ in words.menu("nl")][:2] == ["wachtrij", "open"]


def test_every_word_of_an_action_works_and_the_first_is_in_the_menu(content: Content) -> None:
    words = youngster_words(content.texts)
    assert (words.action("stoppen"), words.action("stop")) == ("stop", "stop")
    assert ("stop", "stop") in words.menu("nl")


def test_a_youngster_s_command_is_no_staff_command(content: Content) -> None:
    assert staff_words(content.texts).action("andere_coach") is None


def test_a_command_word_telegram_would_refuse_is_reported() -> None:
    texts = {"nl": {"commands.staff_words.queue": "wacht-rij"}}
    assert [key for _, key, _ in word_problems(texts)] == ["commands.staff_words.queue"]


def test_one_word_for_two_commands_is_reported_with_both() -> None:
    texts = {
        "nl": {"commands.youngster_words.stop": "stop"},
        "en": {"commands.youngster_words.restart": "stop"},
    }
    ((language, key, reason),) = word_problems(texts)
    assert (language, key) == ("en", "commands.youngster_words.restart")
    assert "stop" in reason


def test_staff_and_youngsters_may_share_a_word() -> None:
    texts = {"nl": {"commands.staff_words.help": "help", "commands.youngster_words.help": "help"}}
    assert list(word_problems(texts)) == []
