"""Kept voice notes, photos and files reach the coach who claims (SQLite and PostgreSQL): as
copies from the youngster's own chat, after the summary, never what the youngster took off."""

from __future__ import annotations

from flows.messages import Inbound, MediaRef, Outbound
from tests.bot.team import LOTTE, MONEY_AND_HOME, Team

ACUTE = "ik sta op de brug en ik ga springen"


def voice(message_id: str) -> Inbound:
    return Inbound("media", message_id=message_id, media="voice")


def in_chat(address: str, message_id: str) -> MediaRef:
    """A voice note in a youngster's Telegram chat."""
    return MediaRef("telegram", address, message_id, "voice")


async def copies(team: Team, address: str) -> list[MediaRef]:
    return [m.copy for m in await team.outbox(address) if m.copy]


async def test_a_voice_note_sent_while_waiting_is_copied_to_the_coach_who_claims(
    team: Team,
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    await team.say("y1", voice("88"))
    assert (await team.keys("y1"))[-1] == "queued.note_kept"
    case = await team.case()
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    assert await team.keys(LOTTE) == [
        "offer.new",
        "offer.yours",
        "media.for_coach_waiting",
        "media.copy",
        "claim.introduce",
    ]
    assert await copies(team, LOTTE) == [in_chat("y1", "88")]


async def test_a_coach_who_claims_before_the_check_gets_the_answers_media_once_shared(
    team: Team,
) -> None:
    await team.youngster("y1", "age:16_17", "q.strengths:skip")
    await team.say("y1", voice("31"))  # kept with the health question
    await team.say("y1", Inbound("text", text=ACUTE))  # queued at once, the answers unshared
    await team.say("y1", voice("32"))  # while waiting
    case = await team.case()
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    assert await copies(team, LOTTE) == [in_chat("y1", "32")]
    await team.say("y1", Inbound("choice", choice="safe:yes"))
    await team.say("y1", Inbound("choice", choice="review:send"))
    assert await copies(team, LOTTE) == [in_chat("y1", "32"), in_chat("y1", "31")]
    assert (await team.keys(LOTTE))[-3:] == ["claim.summary", "media.for_coach_at", "media.copy"]


async def test_a_kept_file_that_cannot_be_copied_any_more_is_reported_to_the_coach(
    team: Team,
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    await team.say("y1", voice("88"))
    case = await team.case()
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    await team.service.message_dropped(
        Outbound("media.copy", copy=in_chat("y1", "88"), tag=f"case:{case.id}")
    )
    notice = (await team.outbox(LOTTE))[-1]
    assert notice.key == "media.gone" and notice.params["pseudonym"]
    assert (await team.keys("y1"))[-1] == "queued.note_kept"  # the youngster is not troubled
