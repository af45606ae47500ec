"""Every table Klik keeps. Identifying data (contacts, answers, messages) and anonymous
statistics are kept apart: a statistics event carries a random journey key, the hour, and
categories, so erasing a youngster leaves the counts and identifies nobody.

Times are stored in UTC (naive on SQLite, aware on PostgreSQL; `utc()` reads both back).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage import (
    dashboard_tables,  # noqa: F401  (the dashboard's tables, registered here too)
    web_chat_tables,  # noqa: F401  (the web chat's tables, registered here too)
)
from storage.sealing import address_key_field, sealed_field


def utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime, whichever database it came from."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """A model's table, for Core statements: an insert into it skips the ORM's bulk path."""
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def _when(*, nullable: bool = False, index: bool = False) -> datetime:
    column = Column(DateTime(timezone=True), nullable=nullable, index=index)
    return Field(default=None, sa_column=column)  # type: ignore[no-any-return]


class Youngster(SQLModel, table=True):
    """A youngster who gave consent, known by a pseudonym; their intake state lives here."""

    __tablename__ = "youngsters"
    # The release job's look for floods that are over: almost every row has flood_held 0.
    __table_args__ = (Index("ix_youngsters_flood", "flood_held", "flood_since"),)

    id: str = Field(primary_key=True, max_length=32)  # random, not sequential
    pseudonym: str = Field(unique=True, max_length=24)
    language: str = Field(max_length=8)
    state: str = Field(max_length=48)
    source: str | None = Field(default=None, max_length=16)
    age_band: str | None = Field(default=None, max_length=16)
    paused: bool = False
    safety: str | None = Field(default=None, max_length=8)
    # A crisis signal seen before there was a case ("suicide:worry:wish"); never the words.
    signal: str | None = Field(default=None, max_length=64)
    journey: str = Field(max_length=32)  # links this youngster's anonymous events until erased
    created_at: datetime = _when()
    last_seen: datetime = _when(index=True)  # the retention purge finds the inactive by it
    # The flood limit (flows/flood.py): the minute being counted, messages in it, and the ones
    # kept for the coach but not yet passed on one by one since the flood began.
    flood_since: datetime | None = _when(nullable=True)
    flood_count: int = 0
    flood_held: int = 0
    # Blocked by staff for abuse (flows/coaching/block.py): who, why, and whether Klik told the
    # youngster, once, that their messages are no longer passed on.
    blocked_at: datetime | None = _when(nullable=True)
    blocked_by: int | None = None  # a staff id; not a foreign key, so removing staff keeps it
    block_reason: str | None = sealed_field(nullable=True)  # a staff member's own words
    block_told: bool = False
    feedback: str | None = Field(default=None, max_length=8)  # "klikte het?" waits: asked | line
    # The crisis question that waits for a typed answer: "worry:<category>" or "safe".
    crisis_asked: str | None = Field(default=None, max_length=32)


class Contact(SQLModel, table=True):
    """How to reach a youngster on a channel. Only bot/ reads the address."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "address_key", name="uq_contacts_address_key"),)

    id: int | None = Field(default=None, primary_key=True)
    youngster_id: str = Field(foreign_key="youngsters.id", unique=True, max_length=32)
    channel: str = Field(max_length=16)
    address: str = sealed_field()
    address_key: str | None = address_key_field()


class IntakeAnswer(SQLModel, table=True):
    """One answer of the intake: a tapped choice and/or the youngster's own words."""

    __tablename__ = "intake_answers"
    __table_args__ = (UniqueConstraint("youngster_id", "question"),)

    id: int | None = Field(default=None, primary_key=True)
    youngster_id: str = Field(foreign_key="youngsters.id", index=True, max_length=32)
    question: str = Field(max_length=48)
    choice: str | None = Field(default=None, max_length=32)
    text: str = sealed_field(default="")


class IntakeMedia(SQLModel, table=True):
    """A voice note, photo or file the youngster sent for their coach: the id of the message in
    the youngster's own chat, enough to copy it (with contacts.address), never the file.
    Deleted when the youngster takes it off the summary or erases everything."""

    __tablename__ = "intake_media"
    __table_args__ = (UniqueConstraint("youngster_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    youngster_id: str = Field(foreign_key="youngsters.id", index=True, max_length=32)
    message_id: str = Field(max_length=32)  # the channel's id of the message
    kind: str = Field(max_length=16)  # voice, photo, video, video_note, audio, document
    question: str = Field(max_length=48)  # a question id, "extra" or "waiting"
    caption: str = sealed_field(default="")


class Case(SQLModel, table=True):
    """A youngster's request for a coach: queued with a promise deadline, urgent on top."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_queue", "state", "urgent", "deadline"),
        Index("ix_cases_coach_state", "coach_id", "state"),  # a coach's active cases
    )

    id: int | None = Field(default=None, primary_key=True)
    youngster_id: str = Field(foreign_key="youngsters.id", index=True, max_length=32)
    state: str = Field(max_length=16)  # see flows/case.py
    urgent: bool = False
    priority: bool = False  # back in the queue after /andere_coach: before the others
    # The latest crisis signal as category:level:rule ("suicide:acute:means_intent"), for the
    # coach; never the words that raised it.
    signal: str | None = Field(default=None, max_length=64)
    shared: bool = True  # False: queued in a crisis; the coach reads the answers once checked
    queued_at: datetime = _when()
    deadline: datetime = _when()
    coach_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    claimed_at: datetime | None = _when(nullable=True)
    closed_at: datetime | None = _when(nullable=True)
    close_reason: str | None = Field(default=None, max_length=24)
    handover_to: int | None = Field(default=None, foreign_key="staff.id")  # asked, not yet accepted
    # The coach before a hand-over, reading along until the new one writes.
    previous_coach_id: int | None = Field(default=None, foreign_key="staff.id")


class CaseMessage(SQLModel, table=True):
    """A message in a case's history, e.g. what a youngster wrote while waiting."""

    __tablename__ = "case_messages"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    sender: str = Field(max_length=16)  # youngster | coach | bot
    staff_id: int | None = Field(default=None, foreign_key="staff.id")  # which coach wrote it
    text: str = sealed_field()
    created_at: datetime = _when()
    held: bool = False  # above the flood limit (flows/flood.py): passed on together once calm


class StatEvent(SQLModel, table=True):
    """An anonymous statistics event: random journey key, time to the hour, categories."""

    __tablename__ = "stat_events"

    id: int | None = Field(default=None, primary_key=True)
    journey: str = Field(index=True, max_length=32)
    hour: datetime = _when(index=True)
    kind: str = Field(max_length=32)
    step: str | None = Field(default=None, max_length=48)
    value: str | None = Field(default=None, max_length=32)


class OutboxMessage(SQLModel, table=True):
    """A message saved with the state that produced it, sent after commit, deleted once sent."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "not_before", "id"),
        Index("ix_outbox_address", "channel", "address_key", "id"),  # each address's oldest row
        # The claim's order, so it reads the most urgent rows first instead of sorting all.
        Index("ix_outbox_turn", "channel", "priority", "turn", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    youngster_id: str | None = Field(default=None, index=True, max_length=32)
    channel: str = Field(max_length=16)
    address: str = sealed_field()
    address_key: str | None = address_key_field()
    language: str = Field(max_length=8)
    payload: str = sealed_field()  # JSON of an Outbound
    created_at: datetime = _when()
    not_before: datetime = _when()
    claimed_until: datetime | None = _when(nullable=True)
    attempts: int = 0
    priority: int = 2  # flows.urgency: which address's next message goes first
    turn: int = 0  # place among the replies to one event: everyone's first before anyone's second
    parts_sent: int = 0  # of a text too long for one message, the parts already delivered


class InboxEvent(SQLModel, table=True):
    """Channel updates: handled ones (their id only), so a redelivered update is handled once,
    and, in webhook mode, pending ones with the raw update, kept until a worker handles them
    in their chat's order (storage/inbox.py)."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_pending", "pending", "channel", "address_key", "seq"),)

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = _when(index=True)
    pending: bool = False
    # Only while pending; emptied when handled, so no chat id or text outlives the handling.
    channel: str | None = Field(default=None, max_length=16)
    address: str | None = sealed_field(nullable=True)
    address_key: str | None = address_key_field(nullable=True)
    seq: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    payload: str | None = sealed_field(nullable=True)
    claimed_until: datetime | None = _when(nullable=True)


class SetAsideUpdate(SQLModel, table=True):
    """A channel update that failed the same way several times and was set aside, so that
    everyone else is served: its id, kind and the error's type; never its text."""

    __tablename__ = "set_aside_updates"

    event_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32)  # message, edited_message, callback_query
    reason: str = Field(max_length=64)  # the error's type, e.g. DataError
    set_aside_at: datetime = _when()


class ChannelBot(SQLModel, table=True):
    """The bot a database belongs to, per channel, remembered at the first start: its chat ids
    and message ids mean something only to that bot, so another bot must not run on it."""

    __tablename__ = "channel_bots"

    channel: str = Field(primary_key=True, max_length=16)
    bot_id: str = Field(max_length=32)  # Telegram: the bot's numeric user id (getMe)
    username: str = Field(max_length=64)
    first_started: datetime = _when()


class Staff(SQLModel, table=True):
    """A coach or team lead. Youngsters see the first name and intro, never a Telegram identity."""

    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(max_length=16)  # coach | teamlead
    name: str = Field(max_length=40)
    intro: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    languages: str = Field(default="nl", max_length=64)  # comma separated, first is theirs
    focus: str = Field(default="", max_length=200)  # comma separated domains
    gender: str | None = Field(default=None, max_length=16)
    regions: str = Field(default="", max_length=200)  # comma separated postcode areas
    modes: str = Field(default="chat", max_length=64)  # chat, call, video, meet
    capacity: int = 0
    hours: str = Field(default="", max_length=200)  # weekly availability; empty: service hours
    away_until: datetime | None = _when(nullable=True)
    active: bool = True
    current_case_id: int | None = None  # the conversation their plain messages go to
    created_at: datetime = _when()


class StaffInvite(SQLModel, table=True):
    """A one-time code that links a Telegram account to a staff member. The code's first group
    names the row; its secret is kept only as a salted scrypt digest (flows/staff.py)."""

    __tablename__ = "staff_invites"

    code_id: str = Field(primary_key=True, max_length=8)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    salt: str = Field(max_length=32)  # hex of 16 random bytes, one per code
    digest: str = Field(max_length=64)
    expires_at: datetime = _when()
    used_at: datetime | None = _when(nullable=True)


class LinkAttempt(SQLModel, table=True):
    """A /coach CODE that did not link, for the limit on guesses across all chats: only when,
    never who or what was typed. Rows older than the limit's hour are deleted as new ones come."""

    __tablename__ = "link_attempts"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(index=True)


class StaffContact(SQLModel, table=True):
    """How to reach a staff member; kept apart from youngsters' contacts."""

    __tablename__ = "staff_contacts"
    __table_args__ = (
        UniqueConstraint("channel", "address_key", name="uq_staff_contacts_address_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", unique=True)
    channel: str = Field(max_length=16)
    address: str = sealed_field()
    address_key: str | None = address_key_field()


class Offer(SQLModel, table=True):
    """A case shown to a staff member, who may claim it: a claim needs an offer."""

    __tablename__ = "offers"
    __table_args__ = (UniqueConstraint("case_id", "staff_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    created_at: datetime = _when()


class SentMessage(SQLModel, table=True):
    """A delivered message worth finding again: to edit it, or to route a reply to it."""

    __tablename__ = "sent_messages"
    __table_args__ = (
        Index("ix_sent_by_tag", "channel", "address_key", "tag"),
        Index("ix_sent_by_id", "channel", "address_key", "message_id"),
        Index("ix_sent_created", "created_at"),  # the purge
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    address: str = sealed_field()
    address_key: str | None = address_key_field()
    message_id: str = Field(max_length=32)
    tag: str = Field(max_length=64)  # e.g. offer:12, case:12
    created_at: datetime = _when()


class GuardStep(SQLModel, table=True):
    """A step of the 24-hour guard for one case; done once, by whichever worker claims it."""

    __tablename__ = "guard_steps"
    __table_args__ = (
        UniqueConstraint("case_id", "rung"),
        Index("ix_guard_due", "done_at", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    rung: str = Field(max_length=32)
    due_at: datetime = _when()
    done_at: datetime | None = _when(nullable=True)
    outcome: str | None = Field(default=None, max_length=16)  # fired | skipped


class AuditEvent(SQLModel, table=True):
    """Who did what, when (flows/audit.py): an action and the case or staff member it was
    about, never a text, a chat id or a pseudonym. No foreign keys: the entry outlives an
    erased case or a removed account, until its own retention (RETENTION_AUDIT_DAYS)."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(index=True)
    actor: str = Field(max_length=16)  # coach | teamlead | youngster | system | cli
    actor_staff_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=24)
    case_id: int | None = Field(default=None, index=True)
    staff_id: int | None = Field(default=None, index=True)  # the staff member it concerns
    detail: str | None = Field(default=None, max_length=32)  # a code: a reason, kind:count


# The appointment tables live beside this file (its length); registered here like the rest.
from storage.appointment_models import Appointment as Appointment  # noqa: E402
from storage.appointment_models import AppointmentDue as AppointmentDue  # noqa: E402
from storage.feedback_models import FeedbackCount as FeedbackCount  # noqa: E402
from storage.feedback_models import FeedbackLine as FeedbackLine  # noqa: E402

# Ids are never reused, on SQLite too (AUTOINCREMENT; PostgreSQL's sequences never reuse): a
# coach's reply to a message about an erased youngster's case must not reach the next
# youngster whose case would otherwise get the same id.
for _table in SQLModel.metadata.tables.values():
    if [column.name for column in _table.primary_key.columns] == ["id"] and isinstance(
        _table.c.id.type, Integer
    ):
        _table.dialect_options["sqlite"]["autoincrement"] = True
