"""Photos, files and the continue code in the web chat; /vergeet takes the history and the
photos along."""

from __future__ import annotations

import io
import struct
import zlib

from sqlalchemy import func, select

from storage.db import Database
from storage.web_chat_tables import WebMedia, WebMessage
from tests.bot.channels.web.page import Browser
from tests.bot.served import Serve


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def send_photo(browser: Browser, data: bytes) -> tuple[int, dict[str, str]]:
    response = await browser.client.post(
        f"/chat/photo?id={browser.new_id()}&lang=nl",
        data=io.BytesIO(data),
        headers={"Origin": browser.origin, "Content-Type": "application/octet-stream"},
    )
    return response.status, await response.json()


async def count(db: Database, table: type[WebMedia] | type[WebMessage]) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_a_photo_is_kept_and_shown_only_to_its_own_chat(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        assert (await send_photo(browser, png()))[0] == 200
        [line] = [line for line in await browser.lines() if line["kind"] == "mine"]
        own = await it.client.get(line["photo"])
        assert (own.status, await own.read()) == (200, png())
        it.client.session.cookie_jar.clear()
        stranger = Browser(it.client)
        assert await stranger.start() == 200
        assert (await it.client.get(line["photo"])).status == 404


async def test_a_file_that_is_no_image_is_refused_and_not_kept(serve: Serve, db: Database) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        status, said = await send_photo(browser, b"%PDF-1.4 not a photo")
    assert (status, said) == (415, {"notice": "Stuur een foto als JPG, PNG of WebP."})
    assert await count(db, WebMedia) == 0


async def test_a_photo_over_5_mb_is_refused(serve: Serve, db: Database) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        status, said = await send_photo(browser, png() + b"\x00" * (5 * 1024 * 1024))
    assert (status, said) == (413, {"notice": "Die foto is te groot. Het kan tot 5 MB."})
    assert await count(db, WebMedia) == 0


async def test_forget_erases_the_history_and_the_photos(serve: Serve, db: Database) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await browser.intake()
        await send_photo(browser, png())
        await browser.say("iets wat ik kwijt wil")
        await browser.say("/vergeet")
        seq, data = await browser.button("forget:yes")
        await browser.tap(seq, data)
        await browser.wait_for(lambda line: "gewist" in line.get("text", ""))
        lines = await browser.lines()
    assert await count(db, WebMedia) == 0
    assert not any("kwijt" in line.get("text", "") for line in lines)
    assert [line["kind"] for line in lines] == ["bot"]  # only the word that all is gone


async def test_a_continue_code_opens_the_same_chat_on_a_second_device(serve: Serve) -> None:
    async with serve() as it:
        first = Browser(it.client)
        assert await first.start() == 200
        await first.say("van mijn gsm")
        status, given = await first.post("/chat/code?lang=nl", {})
        it.client.session.cookie_jar.clear()  # the other device has no cookie
        second = Browser(it.client)
        status, _ = await second.post("/chat/continue", {"code": given["code"].lower()})
        lines = await second.lines()
        again, _ = await second.post("/chat/continue", {"code": given["code"]})
    assert status == 200
    assert any(line.get("text") == "van mijn gsm" for line in lines)
    assert again == 404  # used once


async def test_a_wrong_continue_code_opens_nothing(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        status, said = await browser.post("/chat/continue", {"code": "AAAA-BBBB-CCCC"})
        lines = await browser.lines()
    assert status == 404
    assert said == {
        "notice": "Die code werkt niet. Kijk hem na, of vraag een nieuwe op je andere toestel."
    }
    assert lines == []


async def test_my_data_comes_as_a_file_to_download(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await browser.intake()
        await browser.say("/mijngegevens")
        line = await browser.wait_for(lambda line: "file" in line)
        response = await it.client.get(line["file"])
        body = await response.text()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Klik" in body
