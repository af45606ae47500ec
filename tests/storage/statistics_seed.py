"""A hand-built week for the statistics tests: every row written directly (Core inserts), the
figures it must give worked out by hand in the tests that use it.

The week of Monday 23 November 2026 (UTC): 3 journeys decline consent, 20 consent; 2 stop at
the health question; 18 finish and are queued; 16 are claimed (2 of them twice, and one case
is handed over), 15 hear from their coach, 6 of those again on a later day. Two coaches,
Lotte and Bram, hold the cases: no figure may be told per coach.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from storage.db import Database
from storage.models import (
    Case,
    CaseMessage,
    FeedbackCount,
    IntakeAnswer,
    Staff,
    StatEvent,
    Youngster,
    table_of,
)

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)
WEEK_START, WEEK_END = MONDAY, MONDAY + timedelta(days=7)
COACHES = ("Lotte", "Bram")
CONSENTED, DECLINED, STOPPED, CLAIMED, REPLIED, AGAIN = 20, 3, 2, 16, 15, 6
QUEUED = CONSENTED - STOPPED
CLAIM_MINUTES = (5, 10, 15, 20, 25, 30, 40, 50, 60, 90, 120, 1500, 1600, 1700, 1800, 2000)
AGE_BANDS = ("16_17",) * 12 + ("18_20",) * 5 + ("12_15",) * 3
CHECKINS = ("health", "home", "goals", "money", "network")
HEALTH = ("1",) * 9 + ("4",) * 9  # the 18 who answered it: 9 in need, 9 fine
# "Klikte het?" in the week: 8 good and 6 okay in Dutch, 2 good in English; one week later
# (outside the period) 5 more.
FEEDBACK = [
    (MONDAY.date(), "nl", "good", 8),
    (MONDAY.date(), "nl", "okay", 6),
    (MONDAY.date(), "en", "good", 2),
    ((MONDAY + timedelta(days=14)).date(), "nl", "good", 5),
]


def hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


async def seed_week(db: Database) -> None:
    staff = [
        {"role": "coach", "name": name, "created_at": MONDAY, "capacity": 20} for name in COACHES
    ]
    youngsters, answers, events, cases, messages = [], [], [], [], []
    for n in range(DECLINED):
        events.append((f"d{n}", "consent_declined", None, None, MONDAY))
    for n in range(CONSENTED):
        journey, started = f"j{n}", MONDAY + timedelta(hours=10, minutes=n)
        youngsters.append(
            {
                "id": f"y{n}",
                "pseudonym": f"Sam-{1000 + n}",
                "language": "en" if n < 3 else "nl",
                "state": "queued",
                "age_band": AGE_BANDS[n],
                "journey": journey,
                "created_at": started,
                "last_seen": started,
            }
        )
        if n < 10:
            answers.append({"youngster_id": f"y{n}", "question": "region", "choice": "20"})
        if n < 8:
            answers.append({"youngster_id": f"y{n}", "question": "school_work", "choice": "school"})
        events += [(journey, "consent_given", None, None, started)]
        events += [(journey, "answered", "age", AGE_BANDS[n], started)]
        events += [(journey, "answered", "strengths", "text", started)]
        if n >= QUEUED:
            continue  # the last two stop at the health question
        events += [(journey, "answered", "health", HEALTH[n], started)]
        events += [(journey, "answered", q, "3", started) for q in CHECKINS[1:]]
        events += [(journey, "queued", None, None, started)]
    queued_at = MONDAY + timedelta(hours=13)
    for n in range(QUEUED):
        at = queued_at + timedelta(minutes=10 * n)
        claimed = at + timedelta(minutes=CLAIM_MINUTES[n]) if n < CLAIMED else None
        cases.append(
            {
                "id": n + 1,
                "youngster_id": f"y{n}",
                "state": "active" if claimed else "queued",
                "queued_at": at,
                "deadline": at + timedelta(hours=24),
                "coach_id": (n % 2) + 1 if claimed else None,
                "claimed_at": claimed,
            }
        )
        if claimed is not None:
            events.append((f"j{n}", "claimed", None, None, claimed))
        if claimed is not None and n < REPLIED:
            first = claimed + timedelta(minutes=5)
            events.append((f"j{n}", "coach_first_message", None, None, first))
            messages.append((n + 1, (n % 2) + 1, first))
            if n < AGAIN:
                messages.append((n + 1, (n % 2) + 1, first + timedelta(days=1)))
    # Coach changes: two cases claimed again, one handed over.
    events += [(j, "claimed", None, None, queued_at + timedelta(days=1)) for j in ("j0", "j1")]
    events.append(("j2", "coach_change", None, "handover", queued_at + timedelta(days=1)))
    # Crisis signals: 7 in week 48 (3 suicide, 4 self harm... of which none here), 6 in 49.
    events += [(f"c{n}", "crisis", None, "suicide", MONDAY + timedelta(hours=n)) for n in range(3)]
    events += [
        (f"c{n}", "crisis", None, "abuse", MONDAY + timedelta(hours=n)) for n in range(3, 10)
    ]
    events += [(f"a{n}", "appointment_done", None, None, MONDAY) for n in range(6)]
    events += [(f"a{n}", "appointment_missed", None, None, MONDAY) for n in range(2)]
    # Outside the week: counts nowhere.
    events.append(("late", "consent_given", None, None, WEEK_END + timedelta(hours=1)))
    async with db.transaction() as session:
        await session.execute(insert(table_of(Staff)), staff)
        await session.execute(insert(table_of(Youngster)), youngsters)
        await session.execute(insert(table_of(IntakeAnswer)), answers)
        await session.execute(
            insert(table_of(StatEvent)),
            [
                {"journey": j, "kind": k, "step": s, "value": v, "hour": hour(at)}
                for j, k, s, v, at in events
            ],
        )
        await session.execute(insert(table_of(Case)), cases)
        await session.execute(
            insert(table_of(FeedbackCount)),
            [{"week": w, "language": lang, "answer": a, "count": c} for w, lang, a, c in FEEDBACK],
        )
        await session.execute(
            insert(table_of(CaseMessage)),
            [
                {"case_id": c, "sender": "coach", "staff_id": s, "text": "hoi", "created_at": at}
                for c, s, at in messages
            ],
        )
