"""The matchteam and the relay through the real service and database (SQLite, PostgreSQL):
who is told about a case, the first claim winning, and messages going both ways."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.services.guard import run_guard
from bot.services.render import Renderer
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound, MediaRef
from storage.models import Case, Staff
from storage.outbox import remember_sent
from tests.bot.team import AHMED, BRAM, LOTTE, MONEY_AND_HOME, Team, claimed_by_lotte

ACUTE = "ik sta op de brug en ik ga springen"
ABUSE = "mijn stiefvader komt elke nacht in mijn kamer"


async def test_a_waiting_youngster_is_offered_to_the_matching_coaches_with_reasons(
    team: Team, renderer: Renderer
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    offers = await team.outbox(LOTTE)
    assert [m.key for m in offers] == ["offer.new"]
    text = renderer.render(offers[0], "nl").text
    assert "Waarom jij: spreekt Nederlands, focus geld en thuis, 0 van 8 plaatsen bezet" in text
    assert "Thuis: 🙁 niet zo goed" in text
    assert renderer.render(offers[0], "nl").buttons[0][0][0] == "✋ Ik neem dit op"
    assert await team.keys(BRAM) == ["offer.new"]
    assert await team.keys(AHMED) == []


async def test_an_urgent_case_goes_to_every_coach_and_the_team_leads_at_once(team: Team) -> None:
    await team.youngster("y1", "age:16_17", text=ACUTE)
    for address in (LOTTE, BRAM, AHMED):
        assert await team.keys(address) == ["offer.urgent"]


async def test_a_coach_who_is_away_is_not_told(team: Team) -> None:
    async with team.db.transaction() as session:
        bram = await session.get(Staff, team.ids[BRAM])
        assert bram is not None
        bram.away_until = datetime(2026, 12, 1, tzinfo=UTC)
    await team.youngster("y1", *MONEY_AND_HOME)
    assert await team.keys(BRAM) == []
    assert await team.keys(LOTTE) == ["offer.new"]


async def test_outside_a_coach_s_own_hours_they_are_not_told(team: Team) -> None:
    async with team.db.transaction() as session:
        bram = await session.get(Staff, team.ids[BRAM])
        assert bram is not None
        bram.hours = "sat 10:00-12:00"
    await team.youngster("y1", *MONEY_AND_HOME)
    assert await team.keys(BRAM) == []


async def test_the_first_claim_wins_and_the_others_see_who_took_it(team: Team) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    won = await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    lost = await team.say(BRAM, Inbound("choice", choice=f"claim:{case.id}"))
    assert won.tap is not None and won.tap.kind == "quiet"
    assert lost.tap is not None and lost.tap.kind == "taken"
    after = await team.case()
    assert (after.state, after.coach_id) == ("active", team.ids[LOTTE])
    lotte = await team.outbox(LOTTE)
    assert [m.key for m in lotte] == ["offer.new", "offer.yours", "claim.introduce"]
    assert lotte[1].edit == f"offer:{case.id}"
    bram = await team.outbox(BRAM)
    assert (bram[-1].key, bram[-1].params["coach"], bram[-1].edit) == (
        "offer.taken",
        "Lotte",
        f"offer:{case.id}",
    )


async def test_a_coach_at_capacity_cannot_claim(team: Team) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    await team.youngster("y2", *MONEY_AND_HOME)
    await team.youngster("y3", *MONEY_AND_HOME)
    async with team.db.transaction() as session:
        cases = (await session.execute(select(Case.id).order_by(col(Case.id)))).scalars().all()
    for case_id in cases[:2]:
        await team.say(BRAM, Inbound("choice", choice=f"claim:{case_id}"))
    third = await team.say(BRAM, Inbound("choice", choice=f"claim:{cases[2]}"))
    assert third.tap is not None and third.tap.kind == "full"


@pytest.mark.parametrize(
    "data", ["claim:{other}", "claim:99999", "claim:", "claim:abc", "claim:1:2"]
)
async def test_a_claim_on_a_case_that_was_not_offered_is_refused_without_a_word(
    team: Team, data: str
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    handled = await team.say(AHMED, Inbound("choice", choice=data.format(other=case.id)))
    assert handled.tap is not None and handled.tap.kind == "unknown"
    assert (await team.case()).state == "queued"
    assert await team.keys(AHMED) == []


async def test_wachtrij_lists_the_most_pressing_first_and_lets_a_team_lead_claim(
    team: Team,
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    await team.youngster("y2", "age:16_17", text=ABUSE)
    await team.say(AHMED, Inbound("command", command="wachtrij"))
    messages = await team.outbox(AHMED)
    assert messages[0].key == "offer.urgent"  # told at once as team lead
    listed = messages[1:]
    assert [m.key for m in listed] == ["queue.header", "offer.urgent", "offer.new"]
    assert listed[0].params["count"] == 2
    urgent_case = listed[1].buttons[0][0].data
    handled = await team.say(AHMED, Inbound("choice", choice=urgent_case))
    assert handled.tap is not None and handled.tap.kind == "quiet"


async def test_the_coach_s_first_message_reaches_the_youngster_with_name_and_intro(
    team: Team, renderer: Renderer
) -> None:
    await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("text", text="Hoi! Ik ben Lotte. Hoe gaat het?"))
    await team.say(LOTTE, Inbound("text", text="Vertel gerust."))
    hello, second = (await team.outbox("y1"))[-2:]
    assert renderer.render(hello, "nl").text == (
        "👋 Lotte (coach) is er voor je!\nIk werk bij het JAC in Gent.\n\n"
        "Lotte: Hoi! Ik ben Lotte. Hoe gaat het?"
    )
    assert renderer.render(second, "nl").text == "Lotte (coach): Vertel gerust."


async def test_the_youngster_s_messages_reach_the_coach_labelled_with_the_pseudonym(
    team: Team, renderer: Renderer
) -> None:
    case = await claimed_by_lotte(team)
    before = await team.keys("y1")
    await team.say("y1", Inbound("text", text="Het gaat niet zo goed met geld"))
    relayed = (await team.outbox(LOTTE))[-1]
    text = renderer.render(relayed, "nl").text
    assert text.startswith("💬 ") and text.endswith(":\nHet gaat niet zo goed met geld")
    assert relayed.tag == f"case:{case.id}"
    assert await team.keys("y1") == before  # no "saved" reply once a coach is there


async def test_a_coach_s_reply_goes_to_the_youngster_of_the_message_replied_to(team: Team) -> None:
    first = await claimed_by_lotte(team, "y1")
    await claimed_by_lotte(team, "y2")  # Lotte's current conversation is now y2
    async with team.db.transaction() as session:
        await remember_sent(
            session,
            channel="telegram",
            address=LOTTE,
            message_id="77",
            tag=f"case:{first.id}",
            now=team.clock(),
        )
    await team.say(LOTTE, Inbound("text", text="Dit is voor jou, y1", reply_to="77"))
    assert (await team.outbox("y1"))[-1].params["text"] == "Dit is voor jou, y1"
    assert all(m.params.get("text") != "Dit is voor jou, y1" for m in await team.outbox("y2"))


async def test_a_reply_to_an_erased_youngster_s_message_never_reaches_the_next_youngster(
    team: Team,
) -> None:
    erased = await claimed_by_lotte(team, "y1")
    async with team.db.transaction() as session:
        await remember_sent(
            session,
            channel="telegram",
            address=LOTTE,
            message_id="77",
            tag=f"case:{erased.id}",
            now=team.clock(),
        )
    await team.say("y1", Inbound("command", command="stop"))
    await team.say("y1", Inbound("choice", choice="stop:delete"))
    following = await claimed_by_lotte(team, "y2")
    assert following.id != erased.id  # SQLite would hand out the erased case's id again
    await team.say(LOTTE, Inbound("text", text="Was dit voor jou?", reply_to="77"))
    assert all(m.params.get("text") != "Was dit voor jou?" for m in await team.outbox("y2"))
    assert (await team.keys(LOTTE))[-1] == "relay.which_case"


async def test_a_coach_message_without_a_case_asks_for_whom(team: Team) -> None:
    await team.say(BRAM, Inbound("text", text="hallo?"))
    assert await team.keys(BRAM) == ["relay.which_case"]


async def test_photos_and_voice_notes_are_copied_without_their_sender(team: Team) -> None:
    case = await claimed_by_lotte(team)
    await team.say("y1", Inbound("media", message_id="555"))
    label, copy = (await team.outbox(LOTTE))[-2:]
    assert label.key == "relay.media_from_youngster"
    assert (copy.copy, copy.tag) == (MediaRef("telegram", "y1", "555"), f"case:{case.id}")
    await team.say(LOTTE, Inbound("media", message_id="81"))
    assert (await team.outbox("y1"))[-1].copy == MediaRef("telegram", LOTTE, "81")


async def test_neither_side_ever_sees_the_other_s_telegram_identity(
    team: Team, renderer: Renderer
) -> None:
    await claimed_by_lotte(team, "5551234")
    await team.say(LOTTE, Inbound("text", text="Hoi"))
    await team.say("5551234", Inbound("text", text="hoi"))
    for address, other in ((LOTTE, "5551234"), ("5551234", LOTTE)):
        for message in await team.outbox(address):
            if not message.copy:
                assert other not in renderer.render(message, "nl").text


async def test_a_relayed_message_that_can_never_arrive_is_reported_to_its_writer(
    team: Team,
) -> None:
    await claimed_by_lotte(team)
    await team.say("y1", Inbound("text", text="hallo coach"))
    to_coach = (await team.outbox(LOTTE))[-1]
    await team.service.message_dropped(to_coach)
    assert (await team.keys("y1"))[-1] == "relay.undelivered_to_coach"
    await team.say(LOTTE, Inbound("text", text="hoi"))
    to_youngster = (await team.outbox("y1"))[-1]
    await team.service.message_dropped(to_youngster)
    notice = (await team.outbox(LOTTE))[-1]
    assert notice.key == "relay.undelivered_to_youngster" and notice.params["pseudonym"]


async def test_open_lists_a_coach_s_conversations_and_picks_one(team: Team) -> None:
    await claimed_by_lotte(team, "y1")
    await claimed_by_lotte(team, "y2")
    await team.say(LOTTE, Inbound("command", command="open"))
    choose = (await team.outbox(LOTTE))[-1]
    assert choose.key == "open.choose" and len(choose.buttons) == 2
    await team.say(LOTTE, Inbound("choice", choice=choose.buttons[0][0].data))
    assert (await team.outbox(LOTTE))[-1].key == "open.now"
    await team.say(LOTTE, Inbound("text", text="voor de eerste"))
    assert (await team.outbox("y1"))[-1].params["text"] == "voor de eerste"


async def test_open_with_a_pseudonym_picks_that_conversation(team: Team) -> None:
    await claimed_by_lotte(team, "y1")
    await claimed_by_lotte(team, "y2")
    async with team.db.transaction() as session:
        from storage.intakes import find_youngster

        y1 = await find_youngster(session, channel="telegram", address="y1")
        assert y1 is not None
        pseudonym = y1.pseudonym
    await team.say(LOTTE, Inbound("command", command="open", argument=pseudonym))
    await team.say(LOTTE, Inbound("text", text="jij bent het"))
    assert (await team.outbox("y1"))[-1].params["text"] == "jij bent het"


async def test_a_coach_cannot_open_someone_else_s_conversation(team: Team) -> None:
    case = await claimed_by_lotte(team, "y1")
    await team.say(BRAM, Inbound("choice", choice=f"open:{case.id}"))
    await team.say(BRAM, Inbound("text", text="hallo?"))
    assert (await team.keys(BRAM))[-2:] == ["open.none", "relay.which_case"]


async def test_crisis_words_from_a_youngster_with_a_coach_alert_that_coach_and_nobody_else(
    team: Team,
) -> None:
    await claimed_by_lotte(team)
    bram_before = await team.keys(BRAM)
    await team.say("y1", Inbound("text", text=ACUTE))
    alert, relayed = (await team.outbox(LOTTE))[-2:]
    assert (alert.key, relayed.key) == ("relay.urgent", "relay.from_youngster_signal")
    assert relayed.params["text"] == ACUTE
    assert await team.keys(BRAM) == bram_before  # no new offers for a case that has a coach
    assert (await team.keys("y1"))[-2:] == ["crisis.safe_ask", "crisis.told_coach"]


async def test_the_coach_who_claims_reads_every_word_the_offer_cut_short(
    team: Team, renderer: Renderer
) -> None:
    story = "Het begon allemaal toen ik verhuisde. " * 20  # about 760 characters
    await team.youngster("y1", "age:16_17", "q.strengths:skip", text=story)
    await team.say("y1", Inbound("choice", choice="talk"))
    offer = (await team.outbox(LOTTE))[-1]
    assert story not in renderer.render(offer, "nl").text
    assert "…" in renderer.render(offer, "nl").text
    case = await team.case()
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    full = next(m for m in await team.outbox(LOTTE) if m.key == "claim.summary")
    assert story.strip() in renderer.render(full, "nl").text


# -- the crisis path ----------------------------------------------------------------------------

WORRY = "soms wil ik niet meer leven"
SIGNAL_NL = "signaal: zelfdoding, acuut:"


async def test_the_urgent_alert_shows_the_coach_what_fired_and_none_of_the_answers(
    team: Team, renderer: Renderer
) -> None:
    await team.youngster("y1", "age:16_17", "q.strengths:skip", "q.health:2", text=ACUTE)
    alert = renderer.render((await team.outbox(LOTTE))[-1], "nl").text
    assert SIGNAL_NL in alert
    assert "Gezondheid" not in alert and "Leeftijd" not in alert
    assert "kijkt eerst na wat je mag lezen" in alert


async def test_the_case_keeps_the_signal_and_never_the_words(team: Team) -> None:
    await team.youngster("y1", "age:16_17", text=ACUTE)
    case = await team.case()
    assert case.signal is not None and case.signal.startswith("suicide:acute:")
    assert "brug" not in case.signal


async def test_worry_words_while_waiting_are_noted_on_the_case_without_an_alert(
    team: Team,
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    await team.say("y1", Inbound("text", text=WORRY))
    case = await team.case()
    assert case.signal is not None and case.signal.startswith("suicide:worry:")
    assert not case.urgent
    assert await team.keys(AHMED) == []


async def test_a_reminder_of_the_guard_shows_the_signal(
    team: Team, flow: IntakeFlow, rules: Rules, renderer: Renderer
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    await team.say("y1", Inbound("text", text=WORRY))
    team.clock.advance(hours=6)
    await run_guard(team.db, StaffService(flow, rules), team.clock)
    reminder = (await team.outbox(LOTTE))[-1]
    assert reminder.key == "offer.reminder"
    assert "signaal: zelfdoding, zorg:" in renderer.render(reminder, "nl").text


async def test_crisis_words_while_waiting_alert_the_coaches_who_already_have_the_offer(
    team: Team,
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    assert await team.keys(LOTTE) == ["offer.new"]
    await team.say("y1", Inbound("text", text=ACUTE))
    assert await team.keys(LOTTE) == ["offer.new", "offer.urgent"]
    assert await team.keys(AHMED) == ["offer.urgent"]


@pytest.mark.parametrize("answer", ["no", "unsure"])
async def test_not_safe_alerts_the_offered_coaches_every_coach_and_the_team_leads_again(
    team: Team, answer: str
) -> None:
    await team.youngster("y1", "age:16_17", text=ACUTE)
    await team.say("y1", Inbound("choice", choice=f"safe:{answer}"))
    for address in (LOTTE, BRAM, AHMED):
        assert await team.keys(address) == ["offer.urgent", "offer.most_urgent"]


@pytest.mark.parametrize("typed", ["nee", "weet ik niet"])
async def test_a_typed_not_safe_alerts_the_offered_coaches_every_coach_and_the_team_leads_again(
    team: Team, typed: str
) -> None:
    await team.youngster("y1", "age:16_17", text=ACUTE)
    await team.say("y1", Inbound("text", text=typed))  # typed, not tapped: the question waited
    for address in (LOTTE, BRAM, AHMED):
        assert await team.keys(address) == ["offer.urgent", "offer.most_urgent"]


async def test_a_typed_ja_to_the_worry_question_alerts_every_coach_and_the_team_leads(
    team: Team,
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    await team.say("y1", Inbound("text", text=WORRY))
    assert await team.keys(AHMED) == []
    await team.say("y1", Inbound("text", text="ja"))
    for address in (BRAM, AHMED):
        assert (await team.keys(address))[-1:] == ["offer.urgent"]


async def test_safe_on_the_safety_question_alerts_nobody_again(team: Team) -> None:
    await team.youngster("y1", "age:16_17", text=ACUTE)
    await team.say("y1", Inbound("choice", choice="safe:yes"))
    assert await team.keys(AHMED) == ["offer.urgent"]


async def test_not_safe_with_a_coach_alerts_the_coach_and_the_team_leads(
    team: Team, renderer: Renderer
) -> None:
    await claimed_by_lotte(team)
    await team.say("y1", Inbound("text", text=ACUTE))
    await team.say("y1", Inbound("choice", choice="safe:no"))
    alert = (await team.outbox(LOTTE))[-1]
    assert alert.key == "relay.most_urgent"
    assert "antwoordde 'Nee' op 'Ben je nu veilig?'" in renderer.render(alert, "nl").text
    assert (await team.keys(AHMED))[-1] == "relay.most_urgent"


async def test_a_relayed_crisis_message_shows_the_coach_the_signal(
    team: Team, renderer: Renderer
) -> None:
    await claimed_by_lotte(team)
    await team.say("y1", Inbound("text", text=WORRY))
    relayed = renderer.render((await team.outbox(LOTTE))[-1], "nl").text
    assert relayed.startswith("💬 ") and "(signaal: zelfdoding, zorg:" in relayed
    assert WORRY in relayed


async def test_the_youngster_with_a_coach_gets_the_help_lines_with_a_worry(team: Team) -> None:
    await claimed_by_lotte(team)
    await team.say("y1", Inbound("text", text=WORRY))
    assert (await team.keys("y1"))[-1] == "crisis.worry"


async def test_a_coach_who_claims_before_the_check_reads_the_answers_only_once_checked(
    team: Team, renderer: Renderer
) -> None:
    await team.youngster("y1", "age:16_17", "q.strengths:skip", "q.health:2", text=ACUTE)
    case = await team.case()
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    assert "claim.summary" not in await team.keys(LOTTE)
    assert "claim.pending" in await team.keys(LOTTE)
    await team.say("y1", Inbound("choice", choice="safe:yes"))
    await team.say("y1", Inbound("choice", choice="review:send"))
    shared = (await team.outbox(LOTTE))[-1]
    assert shared.key == "claim.summary"
    assert "Gezondheid: 🙁 niet zo goed" in renderer.render(shared, "nl").text


async def test_what_the_youngster_takes_away_after_a_crisis_never_reaches_the_coach(
    team: Team, renderer: Renderer
) -> None:
    await team.youngster("y1", "age:16_17", "q.strengths:skip", "q.health:2", text=ACUTE)
    await team.say("y1", Inbound("choice", choice="safe:yes"))
    await team.say("y1", Inbound("choice", choice="review:rm.health"))
    await team.say("y1", Inbound("choice", choice="review:send"))
    case = await team.case()
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    everything = [renderer.render(m, "nl").text for m in await team.outbox(LOTTE)]
    assert not [text for text in everything if "Gezondheid" in text]
    assert [text for text in everything if "Leeftijd: 16 - 17" in text]


async def test_at_night_a_youngster_in_crisis_hears_that_nobody_reads_now(team: Team) -> None:
    team.clock.advance(hours=13)  # 03:00 in Brussels: nobody is on duty
    await team.youngster("y1", "age:16_17", text=ACUTE)
    keys = await team.keys("y1")
    assert "crisis.nobody" in keys
    assert "crisis.urgent" not in keys


async def test_with_everyone_away_a_youngster_in_crisis_hears_that_nobody_reads_now(
    team: Team,
) -> None:
    async with team.db.transaction() as session:
        for address in (LOTTE, BRAM, AHMED):
            staff = await session.get(Staff, team.ids[address])
            assert staff is not None
            staff.away_until = datetime(2026, 12, 1, tzinfo=UTC)
    await claimed_by_lotte(team)
    await team.say("y1", Inbound("text", text=ACUTE))
    keys = await team.keys("y1")
    assert keys[-1] == "crisis.nobody"
    assert "crisis.told_coach" not in keys


async def test_not_safe_when_nobody_reads_brings_the_help_lines_again(team: Team) -> None:
    team.clock.advance(hours=13)
    await team.youngster("y1", "age:16_17", text=ACUTE)
    await team.say("y1", Inbound("choice", choice="safe:no"))
    replies = await team.outbox("y1")
    assert [m.key for m in replies][-3:] == [
        "crisis.reply_no",
        "crisis.nobody_lines",
        "review.intro",
    ]


async def test_when_somebody_reads_the_youngster_hears_a_coach_reacts_soon(team: Team) -> None:
    await team.youngster("y1", "age:16_17", text=ACUTE)
    keys = await team.keys("y1")
    assert "crisis.urgent" in keys and "crisis.nobody" not in keys
