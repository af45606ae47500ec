"""Settings from the environment or a .env file. A missing or invalid setting stops the
service with one line naming the setting and what is wrong (exit status 2)."""

from __future__ import annotations

import re
import sys
from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.appointments.facts import AppointmentRules
from flows.coaching.link import LinkLimits
from flows.content import DEFAULT_CONTENT_DIR
from flows.hours import ServiceHours, parse_service_hours
from flows.intake import Rules
from flows.retention import Retention
from storage.location import default_data_dir, default_database_url
from storage.sealing import KEY_HINT, decode_key

_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_PLACEHOLDERS = {
    "changeme",
    "change-me",
    "your-token",
    "token",
    "xxx",
    "secret",
    "your-key",
    "your-data-key",
}
# Telegram sends the secret back in a header and allows only these characters, up to 256.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MIN_SECRET = 32  # long enough that guessing it is hopeless; token_urlsafe(32) gives 43
SECRET_HINT = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # an HTTP_HOST no other machine reaches

# How Klik runs (Settings.mode): with Telegram; without, for everyone who reaches HTTP_HOST
# (the web chat and the dashboard); or without, on this machine only, as a try-out.
Mode = Literal["telegram", "web", "local"]
TELEGRAM_LATER = (
    "To connect Telegram later: get a token from @BotFather (send /newbot), put "
    "TELEGRAM_TOKEN=<the token> in .env and start again."
)


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one line naming it."""


class Settings(BaseSettings):
    """Everything an operator can set, with safe defaults for a first run."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    # Never relative to the folder `klik` starts from: see storage/location.py.
    database_url: str = Field(default_factory=default_database_url)
    timezone: str = "Europe/Brussels"
    country: Literal["BE", "NL"] = "BE"
    min_age: int = Field(default=12, ge=6, le=21)
    promise_hours: int = Field(default=24, ge=1, le=168)
    service_hours: str = "mon-fri 09:00-21:00"
    content_dir: Path = DEFAULT_CONTENT_DIR
    # Whom the team means to reach and its aims (`klik stats` shows every figure beside them);
    # default: targets.yaml beside the default database (var/ in a checkout).
    targets_file: Path = Field(default_factory=lambda: default_data_dir() / "targets.yaml")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Encryption at rest (storage/sealing.py). DATA_KEY (or a file holding it, DATA_KEY_FILE)
    # seals every text and chat id; DATA_KEY_OLD (comma separated) lists keys being rotated
    # out, which still open what they sealed (`klik rotate-key`). With the embedded SQLite
    # database and neither set, a key file beside the database is made on the first run.
    data_key_file: Path | None = None
    data_key_old: SecretStr | None = Field(default=None, validate_default=True)
    data_key: SecretStr | None = Field(default=None, validate_default=True)
    # Where the process serves HTTP: health, readiness, the webhook (and later the dashboard).
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    # polling: klik asks Telegram for updates (one process). webhook: Telegram posts them to
    # PUBLIC_URL, signed with WEBHOOK_SECRET (several processes behind a load balancer).
    telegram_mode: Literal["polling", "webhook"] = "polling"
    public_url: str | None = Field(default=None, validate_default=True)
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    # Where the web chat's "Snel weg" button (and Esc) goes: a neutral everyday site, as
    # helplines do, so a glance at the screen shows nothing of the chat.
    quick_exit_url: str = "https://www.google.com/"
    # Seconds between two looks for due guard steps, in every worker; a step fires at most
    # this late.
    guard_every: int = Field(default=30, ge=1, le=3600)
    # How long what is kept is kept, in days (docs/privacy.md has the table); the purge runs
    # every hour in every worker (each row is taken by one) and with `klik purge`.
    retention_intake_days: int = Field(default=30, ge=1)  # an unfinished intake, inactive
    retention_closed_case_days: int = Field(default=365, ge=1)  # a case after it ended
    # Telegram redelivers an unconfirmed update for 24 hours: its id must outlive that.
    retention_inbox_days: int = Field(default=7, ge=2)
    retention_sent_days: int = Field(default=30, ge=1)  # delivered message ids
    retention_set_aside_days: int = Field(default=30, ge=1)  # updates set aside
    retention_audit_days: int = Field(default=730, ge=30)  # the audit log
    retention_feedback_days: int = Field(default=180, ge=7)  # lines after "klikte het?"
    # Invite codes (/coach CODE) that did not link, allowed per hour: from one chat, and from
    # all chats together; more get a kind "try again later".
    # Messages a minute one youngster may send before Klik answers "even rustig aan" once and
    # keeps the rest for their coach without a ping each (flows/flood.py).
    flood_per_minute: int = Field(default=20, ge=3, le=1000)
    link_tries_per_chat: int = Field(default=5, ge=1, le=100)
    link_tries_total: int = Field(default=50, ge=1, le=10_000)
    # Appointments: the hour of the evening-before reminder (in TIMEZONE), and after how many
    # days without a word from a youngster their coach is nudged (a case never closes itself).
    appointment_evening: time = time(19, 0)
    # Drills and end-to-end tests only, never in production: a file holding seconds added to
    # the wall clock (bot/process/runtime.py ShiftedClock).
    clock_offset_file: Path | None = None
    quiet_nudge_days: int = Field(default=7, ge=1, le=90)

    @field_validator("telegram_token")
    @classmethod
    def _real_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        token = value.get_secret_value().strip()
        if token.lower() in _PLACEHOLDERS:
            raise ValueError("is a placeholder; put the token from @BotFather here")
        if not _TOKEN.match(token):
            raise ValueError("does not look like a token from @BotFather (digits:letters)")
        return SecretStr(token)

    @field_validator("data_key_old")
    @classmethod
    def _old_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        for part in value.get_secret_value().split(","):
            if part.strip():
                _check_key(part)
        return value

    @field_validator("data_key")
    @classmethod
    def _data_key(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        # The messages never repeat the key: they end up in a log.
        if value is None or not value.get_secret_value().strip():
            url = str(info.data.get("database_url") or "")
            if info.data.get("data_key_file") is None and not url.startswith("sqlite"):
                raise ValueError(
                    "missing; PostgreSQL needs a data key (DATA_KEY or DATA_KEY_FILE) to "
                    f"encrypt texts and chat ids; make one with: {KEY_HINT} and back it up"
                )
            return None
        if info.data.get("data_key_file") is not None:
            raise ValueError("and DATA_KEY_FILE are both set; keep one of them")
        _check_key(value.get_secret_value())
        return SecretStr(value.get_secret_value().strip())

    @field_validator("telegram_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = (value or "").strip().rstrip("/") or None
        if value is None:
            if info.data.get("telegram_mode") == "webhook":
                raise ValueError(
                    "missing; webhook mode needs the https:// address at which Telegram "
                    "reaches klik, e.g. https://klik.example.org"
                )
            return None
        if not value.startswith("https://"):
            raise ValueError("must start with https:// (Telegram posts only to HTTPS)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        secret = value.get_secret_value().strip() if value is not None else ""
        if not secret:
            if info.data.get("telegram_mode") == "webhook":
                raise ValueError(f"missing; webhook mode needs one, make it with: {SECRET_HINT}")
            return None
        # The message never repeats the secret: it would end up in a log.
        if not _SECRET.match(secret):
            raise ValueError(
                f"may hold only letters, digits, _ and -; make one with: {SECRET_HINT}"
            )
        if len(secret) < MIN_SECRET:
            raise ValueError(
                f"too short (at least {MIN_SECRET} characters); make one with: {SECRET_HINT}"
            )
        return SecretStr(secret)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a known time zone, e.g. Europe/Brussels") from None
        return value

    @field_validator("service_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        parse_service_hours(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError("must be an sqlite:/// or postgresql:// URL")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The service's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def hours(self) -> ServiceHours:
        """The parsed service hours."""
        return parse_service_hours(self.service_hours)

    def retention(self) -> Retention:
        """The retention limits the purge keeps."""
        return Retention(
            intake_days=self.retention_intake_days,
            closed_case_days=self.retention_closed_case_days,
            inbox_days=self.retention_inbox_days,
            sent_days=self.retention_sent_days,
            set_aside_days=self.retention_set_aside_days,
            audit_days=self.retention_audit_days,
            feedback_days=self.retention_feedback_days,
        )

    @property
    def local_http(self) -> bool:
        """Served on this machine only (http on a loopback address, no PUBLIC_URL): the
        dashboard's cookie then goes over plain http."""
        return self.public_url is None and self.http_host in LOOPBACK

    @property
    def mode(self) -> Mode:
        """telegram: a TELEGRAM_TOKEN is set. local: none, served on this machine only from the
        embedded SQLite database: a try-out, so demo accounts and their links are printed.
        web: none otherwise, the web chat and the dashboard for whoever reaches HTTP_HOST; no
        demo accounts there, as anyone could sign in with a printed link."""
        if self.telegram_token is not None:
            return "telegram"
        if self.local_http and self.database_url.startswith("sqlite"):
            return "local"
        return "web"

    def dashboard_base(self) -> str:
        """Where a browser reaches this process, for the dashboard's sign-in links: PUBLIC_URL,
        or http on the loopback address; "" when neither (no link can be given)."""
        if self.public_url is not None:
            return self.public_url
        if self.local_http:
            host = f"[{self.http_host}]" if ":" in self.http_host else self.http_host
            return f"http://{host}:{self.http_port}"
        return ""

    def link_limits(self) -> LinkLimits:
        """How many invite codes that did not link are allowed in an hour."""
        return LinkLimits(per_chat=self.link_tries_per_chat, total=self.link_tries_total)

    def appointment_rules(self) -> AppointmentRules:
        """The settings appointments and the quiet nudge depend on."""
        return AppointmentRules(self.zone, self.appointment_evening, self.quiet_nudge_days)

    def rules(self) -> Rules:
        """The settings the intake rules depend on."""
        return Rules(
            promise_hours=self.promise_hours,
            min_age=self.min_age,
            timezone=self.zone,
            service_hours=self.hours,
            retention=self.retention(),
        )


def _check_key(text: str) -> None:
    """Refuse a placeholder or a key too short to protect anything; never echo it."""
    cleaned = text.strip()
    lowered = cleaned.lower()
    # A made-up key ("xxxx...", "changeme-changeme-...") has few distinct characters.
    if (
        lowered in _PLACEHOLDERS
        or lowered.startswith(("changeme", "your"))
        or len(set(lowered)) < 12
    ):
        raise ValueError(f"is a placeholder; make a key with: {KEY_HINT}")
    decode_key(cleaned)


def settings_or_exit() -> Settings:
    """The settings, or one line naming the wrong setting and exit status 2."""
    try:
        return load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        sys.exit(2)


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise SettingsError with one line naming the first wrong setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"klik: setting {name}: {reason}") from None
