"""1,000 reminders due in the same minute, through the due job and the real sender against
`bench.limited_api` (30 a second per bot, one a second per chat, 429 beyond): how late each
arrives after its due time (median and maximum; the promise is at most 60 s).

The due job runs as `klik run` schedules it (every DUE_EVERY seconds, with its phase against
the due moment as it falls); the sender is the one `klik run` uses. On SQLite and, when
reachable, PostgreSQL.

`python -m bench.reminders` runs only this and merges its figures into bench/results.json.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bench.keys import install_bench_key
from bench.outbound import StandIn, arrived, sending, stand_in
from bench.results import keep, on_both
from bot.process.jobs import DUE_EVERY, appointments_job
from bot.services.render import Renderer
from bot.services.staff import StaffService
from flows.content import load_content
from flows.hours import parse_service_hours
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from storage.migrate import migrate
from storage.models import (
    Appointment,
    AppointmentDue,
    Case,
    Contact,
    Staff,
    StaffContact,
    Youngster,
)

REMINDERS = 1000
FIRST_CHAT = 50_000


def now() -> datetime:
    return datetime.now(UTC)


async def plan(db: Database, due: datetime) -> None:
    """A coach with 1,000 active cases, each with a confirmed appointment an hour after `due`
    and its "one hour before" reminder due at `due`."""
    async with db.transaction() as session:
        coach = Staff(role="coach", name="Lotte", created_at=now())
        session.add(coach)
        await session.flush()
        assert coach.id is not None
        session.add(StaffContact(staff_id=coach.id, channel="telegram", address="49999"))
        session.add_all(
            Youngster(
                id=f"y{n:031d}",
                pseudonym=f"Sam-{n:04d}",
                language="nl",
                state="queued",
                journey=f"j{n:031d}",
                created_at=now(),
                last_seen=now(),
            )
            for n in range(REMINDERS)
        )
        await session.flush()  # no relationship orders them: the youngsters first
        session.add_all(
            Contact(youngster_id=f"y{n:031d}", channel="telegram", address=str(FIRST_CHAT + n))
            for n in range(REMINDERS)
        )
        await session.flush()
        cases = [
            Case(
                youngster_id=f"y{n:031d}",
                state="active",
                queued_at=now(),
                deadline=now() + timedelta(days=1),
                coach_id=coach.id,
                claimed_at=now(),
            )
            for n in range(REMINDERS)
        ]
        session.add_all(cases)
        await session.flush()
        appointments = [
            Appointment(
                case_id=case.id,  # type: ignore[arg-type]
                state="confirmed",
                mode="chat",
                starts_at=due + timedelta(hours=1),
                remind="hour",
                created_at=now(),
            )
            for case in cases
        ]
        session.add_all(appointments)
        await session.flush()
        session.add_all(
            AppointmentDue(
                case_id=appointment.case_id,
                appointment_id=appointment.id,
                kind="hour",
                due_at=due,
            )
            for appointment in appointments
        )


async def on_database(url: str, label: str, api: StandIn) -> dict[str, float]:
    content = load_content()
    zone = ZoneInfo("Europe/Brussels")
    rules = Rules(24, 12, zone, parse_service_hours("mon-sun 00:00-24:00"))
    flow = IntakeFlow(content, rules)
    renderer = Renderer(content, timezone=zone, country="BE")
    db = Database(url)
    await migrate(db)
    api.reset(limited=True)
    try:
        due = now() + timedelta(seconds=15)
        await plan(db, due)
        matchteam = StaffService(flow, rules)
        # The due moment on the monotonic clock the stand-in stamps arrivals with.
        due_mono = time.monotonic() + (due - now()).total_seconds()
        async with sending(db, renderer, api) as sender:
            taken_at: list[float] = []  # when the run that found the rows had taken them

            async def job() -> None:  # as the scheduler runs it: every DUE_EVERY seconds
                while True:
                    started = time.monotonic()
                    await appointments_job(db, matchteam, now, sender.wake)
                    if started >= due_mono and not taken_at:
                        taken_at.append(time.monotonic())
                    await asyncio.sleep(DUE_EVERY)

            running = asyncio.create_task(job())
            stats = await arrived(api, REMINDERS)
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
        late = sorted(when - due_mono for when, chat, _ in stats["arrivals"] if chat >= FIRST_CHAT)
        return {
            f"reminders_{label}_delivered": len(late),
            f"reminders_{label}_late_median_s": statistics.median(late),
            f"reminders_{label}_late_max_s": late[-1],
            f"reminders_{label}_late_first_s": late[0],
            f"reminders_{label}_all_taken_s": taken_at[0] - due_mono if taken_at else -1.0,
            f"reminders_{label}_refused_429": stats["refused"]["bot"] + stats["refused"]["chat"],
        }
    finally:
        await db.close()


async def measure(postgres_url: str | None) -> dict[str, float]:
    figures: dict[str, float] = {}
    with stand_in() as api, tempfile.TemporaryDirectory() as folder:
        figures.update(await on_database(f"sqlite:///{folder}/due.db", "sqlite", api))
        if postgres_url is not None:
            figures.update(await on_database(postgres_url, "postgresql", api))
    return figures


def lines(figures: dict[str, float]) -> list[str]:
    """The figures as `make bench` prints them."""
    out = []
    for label in ("sqlite", "postgresql"):
        key = f"reminders_{label}_"
        if key + "delivered" not in figures:
            continue
        out.append(
            f"1,000 reminders due in one minute, {label}: {figures[key + 'delivered']:.0f} "
            f"delivered, late median {figures[key + 'late_median_s']:.1f} s, "
            f"max {figures[key + 'late_max_s']:.1f} s, "
            f"first {figures[key + 'late_first_s']:.1f} s, "
            f"all taken by the due job after {figures[key + 'all_taken_s']:.1f} s (promise: 60 s; "
            f"{figures[key + 'refused_429']:.0f} refused by the limits)"
        )
    return out


def figures_of_the_reminders() -> dict[str, float]:
    """Every figure above, on SQLite and (when reachable) PostgreSQL."""
    return on_both(measure)


def main() -> None:
    install_bench_key()
    figures = figures_of_the_reminders()
    print("\n".join(lines(figures)))
    keep(figures)


if __name__ == "__main__":
    main()
