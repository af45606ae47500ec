"""The settings of the HTTP server and of webhook mode: safe defaults, and one line naming the
setting when webhook mode cannot work, never the secret."""

from __future__ import annotations

import pytest

from bot.process.config import SettingsError, load_settings

SECRET = "a-webhook-secret_long-enough-0123456789"


def test_by_default_klik_polls_and_serves_http_on_localhost_8080() -> None:
    settings = load_settings()
    assert (settings.telegram_mode, settings.http_host, settings.http_port) == (
        "polling",
        "127.0.0.1",
        8080,
    )


def test_webhook_mode_without_a_public_url_is_refused_naming_public_url() -> None:
    with pytest.raises(SettingsError, match=r"^klik: setting PUBLIC_URL: missing; webhook mode"):
        load_settings(telegram_mode="webhook", webhook_secret=SECRET)


def test_a_public_url_that_is_not_https_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"^klik: setting PUBLIC_URL: must start with https"):
        load_settings(telegram_mode="webhook", public_url="http://klik.example.org")


def test_webhook_mode_without_a_secret_is_refused_naming_webhook_secret() -> None:
    with pytest.raises(SettingsError, match=r"^klik: setting WEBHOOK_SECRET: missing"):
        load_settings(telegram_mode="webhook", public_url="https://klik.example.org")


@pytest.mark.parametrize("secret", ["short-secret-42", "has spaces and is long enough to count!"])
def test_a_short_or_malformed_secret_is_refused_without_repeating_it(secret: str) -> None:
    with pytest.raises(SettingsError) as refusal:
        load_settings(
            telegram_mode="webhook", public_url="https://klik.example.org", webhook_secret=secret
        )
    said = str(refusal.value)
    assert said.startswith("klik: setting WEBHOOK_SECRET: ")
    assert secret not in said and "\n" not in said


def test_the_public_url_is_kept_without_a_trailing_slash() -> None:
    settings = load_settings(
        telegram_mode="webhook", public_url="https://klik.example.org/", webhook_secret=SECRET
    )
    assert settings.public_url == "https://klik.example.org"


def test_by_default_the_retention_limits_are_the_ones_docs_privacy_names() -> None:
    limits = load_settings().retention()
    assert (
        limits.intake_days,
        limits.closed_case_days,
        limits.inbox_days,
        limits.sent_days,
        limits.set_aside_days,
        limits.audit_days,
        limits.feedback_days,
    ) == (30, 365, 7, 30, 30, 730, 180)


def test_an_inbox_retention_shorter_than_telegram_s_redelivery_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"^klik: setting RETENTION_INBOX_DAYS: "):
        load_settings(retention_inbox_days=1)


def test_a_retention_limit_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETENTION_INTAKE_DAYS", "14")
    assert load_settings().retention().intake_days == 14


def test_by_default_twenty_messages_a_minute_and_five_or_fifty_wrong_codes_an_hour() -> None:
    settings = load_settings()
    limits = settings.link_limits()
    assert (settings.flood_per_minute, limits.per_chat, limits.total) == (20, 5, 50)


def test_a_flood_limit_below_three_is_refused_naming_the_setting() -> None:
    with pytest.raises(SettingsError, match=r"^klik: setting FLOOD_PER_MINUTE: "):
        load_settings(flood_per_minute=2)


def test_the_intake_rules_carry_the_same_retention_limits_the_purge_keeps() -> None:
    settings = load_settings(retention_intake_days=14, retention_closed_case_days=90)
    assert settings.rules().retention == settings.retention()
    assert settings.rules().retention.closed_case_days == 90


# -- with or without Telegram (Settings.mode) ------------------------------------------------

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SQLITE = "sqlite:////tmp/klik-test-never-opened.db"
POSTGRES = "postgresql://klik@127.0.0.1:5432/klik"


def test_with_a_token_klik_runs_in_telegram_mode() -> None:
    assert load_settings(telegram_token=TOKEN, database_url=SQLITE).mode == "telegram"


def test_without_a_token_on_localhost_and_the_embedded_database_klik_runs_in_local_mode() -> None:
    assert load_settings(telegram_token="", database_url=SQLITE).mode == "local"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "klik.example.org"])
def test_without_a_token_on_an_address_others_reach_klik_runs_web_only(host: str) -> None:
    settings = load_settings(telegram_token="", database_url=SQLITE, http_host=host)
    assert settings.mode == "web"


def test_without_a_token_behind_a_public_url_klik_runs_web_only() -> None:
    settings = load_settings(
        telegram_token="", database_url=SQLITE, public_url="https://klik.example.org"
    )
    assert settings.mode == "web"


def test_without_a_token_on_postgresql_klik_runs_web_only_even_on_localhost() -> None:
    assert load_settings(telegram_token="", database_url=POSTGRES).mode == "web"


@pytest.mark.parametrize("token", ["changeme", "12345", "your-token"])
def test_a_placeholder_or_malformed_token_is_still_refused_and_not_taken_for_local_mode(
    token: str,
) -> None:
    with pytest.raises(SettingsError, match=r"^klik: setting TELEGRAM_TOKEN: "):
        load_settings(telegram_token=token, database_url=SQLITE)
