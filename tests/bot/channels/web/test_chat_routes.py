"""The web chat through the real application: the intake to the queue, a coach's reply live,
and what a hostile or clumsy page gets."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select
from sqlmodel import col

from bot.channels.web.setup import WEB_SENDER
from flows.messages import Inbound
from storage.db import Database
from storage.models import Appointment, Contact
from storage.web_chat import append
from storage.web_chat_tables import WebVisitor
from tests.bot.channels.web.page import Browser
from tests.bot.served import Serve
from tests.bot.team import LOTTE, MONEY_AND_HOME, Team
from tests.conftest import Clock


async def test_a_youngster_completes_the_intake_in_the_chat_and_waits_in_the_queue(
    serve: Serve, team: Team, db: Database
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await browser.intake(*MONEY_AND_HOME)
    case = await team.case()
    assert case.state == "queued"
    async with db.transaction() as session:
        channels = (await session.execute(select(col(Contact.channel)))).scalars().all()
    assert channels == ["web"]


async def test_the_websocket_brings_a_coachs_reply(serve: Serve, team: Team) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await browser.intake(*MONEY_AND_HOME)
        case = await team.case()
        await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
        socket = await it.client.ws_connect(
            "/chat/live?after=0", headers={"Origin": browser.origin}
        )
        await team.say(LOTTE, Inbound("text", text="Hoi, ik ben Lotte"))
        it.app[WEB_SENDER].wake()  # as the process's own service does after each commit
        async with asyncio.timeout(10):
            while True:
                line = json.loads((await socket.receive()).data)
                if "Hoi, ik ben Lotte" in line.get("text", ""):
                    break
        await socket.close()


async def test_a_post_from_another_site_is_refused(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        response = await it.client.post(
            "/chat/send",
            json={"id": browser.new_id(), "text": "hoi"},
            headers={"Origin": "https://evil.example"},
        )
        assert response.status == 403
        assert [line for line in await browser.lines() if line["kind"] == "mine"] == []


async def test_a_websocket_from_another_site_is_refused(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        response = await it.client.get(
            "/chat/live", headers={"Origin": "https://evil.example", "Upgrade": "websocket"}
        )
        assert response.status == 403


async def test_too_many_messages_in_a_minute_are_refused_with_a_kind_word(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        said = [await browser.say(f"bericht {n}") for n in range(41)]
    assert [status for status, _ in said[:40]] == [200] * 40
    assert said[40] == (
        429,
        {"notice": "Even rustig aan: je stuurt veel na elkaar. Wacht een minuutje."},
    )


async def test_a_button_the_message_never_had_is_refused_kindly(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        seq, _ = await browser.button("consent:yes")
        status, said = await browser.tap(seq, "claim:99999999")
    assert (status, said) == (200, {"notice": "Die knop werkt niet meer."})


async def test_4000_emoji_arrive_whole(serve: Serve) -> None:
    text = "😀" * 4000
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        status, _ = await browser.say(text)
        mine = [line for line in await browser.lines() if line["kind"] == "mine"]
    assert status == 200
    assert [line["text"] for line in mine] == [text]


async def test_a_message_sent_again_after_a_dropped_connection_is_kept_once(
    serve: Serve,
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        await browser.say("nog eens", client="resend-0001")
        await browser.say("nog eens", client="resend-0001")
        mine = [line for line in await browser.lines() if line["kind"] == "mine"]
    assert [line["text"] for line in mine] == ["nog eens"]


async def test_the_cookie_is_http_only_and_strict(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        response = await it.client.post(
            "/chat/start", json={"id": browser.new_id()}, headers={"Origin": browser.origin}
        )
        cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/chat" in cookie


async def test_the_page_allows_nothing_from_elsewhere(serve: Serve) -> None:
    async with serve() as it:
        response = await it.client.get("/chat")
        page = await response.text()
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert "<script>" not in page
    assert "Snel weg" in page


async def test_a_line_written_by_another_worker_reaches_the_websocket(
    serve: Serve, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        socket = await it.client.ws_connect("/chat/live?after=0", headers=browser.headers)
        [visitor] = await visitors(db)
        async with db.transaction() as session:  # as another process would: no bell here
            await append(session, address=visitor, kind="bot", body={"text": "van B"}, now=clock())
        async with asyncio.timeout(10):
            while json.loads((await socket.receive()).data).get("text") != "van B":
                pass
        await socket.close()


async def visitors(db: Database) -> list[str]:
    async with db.transaction() as session:
        return list((await session.execute(select(col(WebVisitor.address)))).scalars())


async def test_the_page_speaks_english_when_asked(serve: Serve) -> None:
    async with serve() as it:
        page = await (await it.client.get("/chat?lang=en")).text()
    assert "Quick exit" in page
    assert "Snel weg" not in page


async def test_a_refusal_carries_the_same_strict_headers(serve: Serve) -> None:
    async with serve() as it:
        response = await it.client.post(
            "/chat/send",
            json={"id": "page-00000001", "text": "hoi"},
            headers={"Origin": "https://evil.example"},
        )
    assert response.status == 403
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


async def test_crisis_words_in_the_web_chat_flag_the_case_urgent_as_on_telegram(
    serve: Serve, team: Team
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await browser.intake("talk")
        await browser.wait_for(lambda line: "wachtrij" in line.get("text", ""))
        status, _ = await browser.say("ik sta op de brug en ik ga springen")
    case = await team.case()
    assert status == 200
    assert case.urgent


async def test_a_coachs_appointment_reaches_the_web_youngster_who_accepts_with_a_tap(
    serve: Serve, team: Team
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await browser.intake(*MONEY_AND_HOME)
        case = await team.case()
        await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
        await team.say(LOTTE, Inbound("text", text="Hoi, ik ben Lotte!"))
        await team.say(LOTTE, Inbound("command", command="afspraak", argument="morgen 15u"))
        it.app[WEB_SENDER].wake()
        await browser.wait_for(lambda line: "24 november om 15:00" in line.get("text", ""))
        seq, accept = await browser.button("apt:")
        status, said = await browser.tap(seq, accept)
    async with team.db.transaction() as session:
        state = (await session.execute(select(col(Appointment.state)))).scalar_one()
    assert (status, said) == (200, {"ok": True})
    assert state == "confirmed"


async def test_a_websocket_flooded_with_frames_is_closed(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        socket = await it.client.ws_connect("/chat/live?after=0", headers=browser.headers)
        for n in range(31):
            await socket.send_str(f"frame {n}")
        async with asyncio.timeout(10):
            while not socket.closed:
                await socket.receive()
    assert socket.close_code == 1008


async def test_choosing_english_in_the_chat_tells_the_page_to_follow(serve: Serve) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        seq, english = await browser.button("lang:en")
        status, said = await browser.tap(seq, english)
    assert (status, said.get("language")) == (200, "en")
