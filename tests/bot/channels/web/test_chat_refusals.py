"""What a web chat page is told when the chat turns a request down: always a sentence from
content/ in the page's language, never a line of English from the code."""

from __future__ import annotations

import pytest

from tests.bot.channels.web.page import Browser
from tests.bot.served import Serve

NOT_OURS_NL = "Dit kwam niet van de chatpagina van Klik. Open de chat opnieuw via de link van Klik."
UNREADABLE_NL = "Dat kon de chat niet lezen. Laad de pagina opnieuw en probeer het nog eens."
UNREADABLE_EN = "The chat could not read that. Reload the page and try again."


async def test_a_post_from_another_site_is_told_in_the_pages_language(serve: Serve) -> None:
    async with serve() as it:
        response = await it.client.post(
            "/chat/start?lang=nl",
            json={"id": "page-00000001"},
            headers={"Origin": "https://x.example"},
        )
        said = await response.json()
    assert (response.status, said) == (403, {"notice": NOT_OURS_NL})


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "not an object"),
        (b'{"text": "hoi"}', "no message id"),
    ],
)
async def test_a_request_no_page_of_ours_sends_is_told_as_unreadable_in_english(
    serve: Serve, body: bytes, why: str
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        response = await it.client.post(
            "/chat/send?lang=en",
            data=body,
            headers={**browser.headers, "Content-Type": "application/json"},
        )
        said = await response.json()
    assert (response.status, said) == (400, {"notice": UNREADABLE_EN}), why


async def test_a_message_larger_than_any_page_sends_is_told_too_long(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        status, said = await browser.say("x" * 70_000)
    assert (status, said) == (
        413,
        {
            "notice": "Je bericht is te lang om in één keer te sturen. "
            "Het staat nog in het tekstvak: maak het korter of stuur het in stukken."
        },
    )


@pytest.mark.parametrize("path", ["/chat/messages?after=x&lang=nl", "/chat/live?after=x&lang=nl"])
async def test_a_wrong_place_in_the_history_is_told_as_unreadable(serve: Serve, path: str) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        response = await it.client.get(path, headers=browser.headers)
        said = await response.json()
    assert (response.status, said) == (400, {"notice": UNREADABLE_NL})


async def test_the_live_connection_without_a_chat_says_the_chat_is_gone(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        response = await it.client.get("/chat/live?lang=en", headers=browser.headers)
        said = await response.json()
    assert (response.status, said) == (
        401,
        {"notice": "This chat no longer exists. Reload the page to start."},
    )


async def test_a_file_the_chat_does_not_hold_is_told_in_plain_words(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        response = await it.client.get("/chat/files/nothing-here?lang=nl")
        said = await response.text()
    assert response.status == 404
    assert said.startswith("Dit bestand is er niet meer.")


@pytest.mark.parametrize(("path", "status"), [("/chat/nergens", 404), ("/chat/send", 405)])
async def test_an_address_under_chat_that_is_no_page_is_told_in_plain_words(
    serve: Serve, path: str, status: int
) -> None:
    async with serve() as it:
        response = await it.client.get(f"{path}?lang=en")
        said = await response.text()
    assert (response.status, said) == (
        status,
        "This page does not exist. Open the chat through Klik's link.",
    )
