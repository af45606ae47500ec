"""The yardstick for the conversation service: a hand-written asyncpg handler for intake
updates that writes the same rows (inbox, youngster, contact, answers, statistics, outbox; on
entering the queue the case, the offers, the guard ladder and the coaches' offers), running
the same pure flow and matching. No ORM, no SQLAlchemy: what the rows cost at the least.

It handles what the bench's intake script sends (no media, no crisis, no staff); anything
else raises, so a change in the script cannot quietly compare unlike work.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg

from flows.case import QUEUED
from flows.intake import IntakeFlow
from flows.matching import CoachProfile
from flows.messages import Inbound, Outbound, outbound_to_json
from flows.queue import CaseCard, offer, waiting_case, who_to_tell
from flows.sla import promise
from flows.staff import StaffMember, is_available, staff_language
from flows.state import Answer, CaseView, Intake, Rules, Signal
from storage.sealing import lookup, ring
from storage.staff import split
from storage.stats import to_the_hour

YOUNGSTER = """
SELECT y.* FROM youngsters y JOIN contacts c ON c.youngster_id = y.id
WHERE c.channel = $1 AND c.address_key = $2 FOR UPDATE OF y"""
CASE = """
SELECT c.*, s.name AS coach_name FROM cases c LEFT JOIN staff s ON s.id = c.coach_id
WHERE c.youngster_id = $1 AND c.state <> 'withdrawn' ORDER BY c.id DESC LIMIT 1"""
OUTBOX = """
INSERT INTO outbox (youngster_id, channel, address, language, payload, created_at, not_before,
                    attempts, priority, parts_sent, address_key)
VALUES ($1, $2, $3, $4, $5, $6, $6, 0, $7, 0, $8)"""
TEAM = """
SELECT s.*, sc.address, sc.address_key,
       (SELECT count(*) FROM cases c WHERE c.coach_id = s.id AND c.state = 'active') AS n
FROM staff s JOIN staff_contacts sc ON sc.staff_id = s.id
WHERE s.active AND sc.channel = $1 ORDER BY s.id"""


class AsyncpgIntake:
    """Intake updates straight to asyncpg, in one transaction each, as the service does."""

    def __init__(
        self, pool: asyncpg.Pool, flow: IntakeFlow, rules: Rules, clock: Callable[[], datetime]
    ) -> None:
        self.pool = pool
        self.flow = flow
        self.rules = rules
        self.clock = clock

    async def handle(self, *, channel: str, address: str, event: Inbound, event_id: str) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            now = self.clock()
            fresh = await conn.fetchval(
                "INSERT INTO inbox (event_id, received_at) VALUES ($1, $2) "
                "ON CONFLICT DO NOTHING RETURNING 1",
                event_id,
                now,
            )
            if fresh is None:
                return
            staff = await conn.fetchval(
                "SELECT s.id FROM staff s JOIN staff_contacts c ON c.staff_id = s.id "
                "WHERE c.channel = $1 AND c.address_key = $2 AND s.active",
                channel,
                lookup(address),
            )
            if staff is not None:
                raise NotImplementedError("staff updates are not part of the yardstick")
            row = await conn.fetchrow(YOUNGSTER, channel, lookup(address))
            before = await self._load(conn, row) if row is not None else None
            step = self.flow.handle(before, event, now)
            if step.forget or step.alert or step.notes_for_coach or step.signal:
                raise NotImplementedError("outside the bench's intake script")
            journey = row["journey"] if row else secrets.token_hex(16)
            youngster_id = row["id"] if row else None
            intake = step.intake
            if intake is not None:
                if row is None:
                    youngster_id, journey = secrets.token_hex(16), secrets.token_hex(16)
                    intake.pseudonym = f"Y{secrets.token_hex(6)}"
                    await conn.execute(
                        "INSERT INTO youngsters (id, pseudonym, language, state, paused, journey, "
                        "created_at, last_seen) VALUES ($1, $2, $3, $4, false, $5, $6, $6)",
                        youngster_id,
                        intake.pseudonym,
                        intake.language,
                        intake.state,
                        journey,
                        now,
                    )
                    await conn.execute(
                        "INSERT INTO contacts (youngster_id, channel, address, address_key) "
                        "VALUES ($1, $2, $3, $4)",
                        youngster_id,
                        channel,
                        ring().seal(address),
                        lookup(address),
                    )
                await self._save(conn, youngster_id, intake, before)
                if step.case_change == "open" and intake.case is not None:
                    await self._enter_queue(conn, youngster_id, intake, now)
                elif step.case_change is not None:
                    raise NotImplementedError("outside the bench's intake script")
            if step.stats:
                await conn.executemany(
                    "INSERT INTO stat_events (journey, hour, kind, step, value) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    [(journey, to_the_hour(now), s.kind, s.step, s.value) for s in step.stats],
                )
            language = intake.language if intake else step.language
            await self._enqueue(conn, youngster_id, channel, address, language, step.outbound, now)

    async def _load(self, conn: Any, row: Any) -> Intake:
        answers = await conn.fetch(
            "SELECT question, choice, text FROM intake_answers WHERE youngster_id = $1", row["id"]
        )
        media = await conn.fetchval(
            "SELECT count(*) FROM intake_media WHERE youngster_id = $1", row["id"]
        )
        if media:
            raise NotImplementedError("outside the bench's intake script")
        case = await conn.fetchrow(CASE, row["id"])
        view = None
        if case is not None:
            view = CaseView(
                case["queued_at"],
                case["deadline"],
                case["urgent"],
                case["coach_name"],
                case["state"],
                Signal.parse(case["signal"]),
                case["shared"],
            )
        return Intake(
            state=row["state"],
            language=row["language"],
            pseudonym=row["pseudonym"],
            source=row["source"],
            age_band=row["age_band"],
            answers={a["question"]: Answer(a["choice"], ring().open(a["text"])) for a in answers},
            paused=row["paused"],
            safety=row["safety"],
            last_seen=row["last_seen"],
            case=view,
            signal=Signal.parse(row["signal"]),
        )

    async def _save(
        self, conn: Any, youngster_id: str, intake: Intake, before: Intake | None
    ) -> None:
        await conn.execute(
            "UPDATE youngsters SET state = $2, language = $3, source = $4, age_band = $5, "
            "paused = $6, safety = $7, signal = $8, last_seen = coalesce($9, last_seen) "
            "WHERE id = $1",
            youngster_id,
            intake.state,
            intake.language,
            intake.source,
            intake.age_band,
            intake.paused,
            intake.safety,
            intake.signal.stored if intake.signal else None,
            intake.last_seen,
        )
        old = before.answers if before else {}
        changed = [(q, a) for q, a in intake.answers.items() if old.get(q) != a]
        if changed:
            await conn.executemany(
                "INSERT INTO intake_answers (youngster_id, question, choice, text) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (youngster_id, question) "
                "DO UPDATE SET choice = excluded.choice, text = excluded.text",
                [(youngster_id, q, a.choice, ring().seal(a.text)) for q, a in changed],
            )
        if any(q not in intake.answers for q in old):
            raise NotImplementedError("outside the bench's intake script")

    async def _enter_queue(
        self, conn: Any, youngster_id: str, intake: Intake, now: datetime
    ) -> None:
        view = intake.case
        assert view is not None
        case_id = await conn.fetchval(
            "INSERT INTO cases (youngster_id, state, urgent, priority, shared, queued_at, "
            "deadline) VALUES ($1, $2, $3, false, $4, $5, $6) RETURNING id",
            youngster_id,
            QUEUED,
            view.urgent,
            view.shared,
            view.queued_at,
            view.deadline,
        )
        people = await conn.fetch(TEAM, "telegram")
        offered = self.flow.questionnaire.languages
        coaches, leads = [], []
        for p in people:
            if p["role"] != "coach":
                leads.append(p["id"])
                continue
            member = StaffMember(
                p["id"],
                p["role"],
                p["name"],
                split(p["languages"]),
                split(p["focus"]),
                p["capacity"],
                p["active"],
                None,
                p["away_until"],
            )
            available = is_available(
                member,
                now=now,
                timezone=self.rules.timezone,
                service_hours=self.rules.service_hours,
            )
            coaches.append(
                CoachProfile(
                    p["id"],
                    p["name"],
                    member.languages,
                    member.focus,
                    p["capacity"],
                    p["n"],
                    available,
                    p["gender"],
                    split(p["regions"]),
                    split(p["modes"]),
                )
            )
        notices = who_to_tell(waiting_case(case_id, intake), coaches, leads)
        card = CaseCard(
            case_id=case_id,
            pseudonym=intake.pseudonym,
            urgent=view.urgent,
            queued_at=view.queued_at,
            deadline=view.deadline,
            lines=self.flow.summary_lines(intake),
            safety=intake.safety,
            full_lines=self.flow.summary_lines(intake, limit=None),
            signal=None,
            shared=view.shared,
        )
        by_id = {p["id"]: p for p in people}
        rows = []
        for notice in notices:
            person = by_id[notice.staff_id]
            language = staff_language(split(person["languages"]), offered)
            message = offer(card, notice.reasons)
            rows.append(
                (
                    None,
                    "telegram",
                    person["address"],
                    language,
                    ring().seal(_json(message)),
                    now,
                    message.priority,
                    person["address_key"],
                )
            )
        if rows:
            await conn.executemany(OUTBOX, rows)
            await conn.executemany(
                "INSERT INTO offers (case_id, staff_id, created_at) VALUES ($1, $2, $3)",
                [(case_id, n.staff_id, now) for n in notices],
            )
        await conn.executemany(
            "INSERT INTO guard_steps (case_id, rung, due_at) VALUES ($1, $2, $3)",
            [(case_id, rung, due) for rung, due in promise(view.queued_at, self.rules).steps],
        )

    async def _enqueue(
        self,
        conn: Any,
        youngster_id: str | None,
        channel: str,
        address: str,
        language: str,
        messages: list[Outbound],
        now: datetime,
    ) -> None:
        if messages:
            await conn.executemany(
                OUTBOX,
                [
                    (
                        youngster_id,
                        channel,
                        ring().seal(address),
                        language,
                        ring().seal(_json(m)),
                        now,
                        m.priority,
                        lookup(address),
                    )
                    for m in messages
                ],
            )


def _json(message: Outbound) -> str:
    return json.dumps(outbound_to_json(message), ensure_ascii=False)
