"""The log's last line of defence (bot/process/redaction.py): library chatter dropped at any
level, library lines reduced to their template, secrets and tokens replaced in every line."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from pydantic import SecretStr

from bot.process.config import Settings
from bot.process.logs import KeyValueFormatter
from bot.process.redaction import PrivacyFilter, Redaction, secrets_of

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
WEBHOOK_SECRET = "s3cr3t-webhook-value-of-more-than-32-chars"
SECRET = "mijn geheim is ZEBRA-42"
ROOT = Path(__file__).resolve().parents[3]


def passed(
    name: str, level: int, message: str, *args: object, secrets: tuple[str, ...] = ()
) -> str | None:
    """The line the log would hold for this record, or None when the filter drops it."""
    entry = logging.LogRecord(name, level, __file__, 1, message, args or None, None)
    redaction = Redaction(secrets)
    if not PrivacyFilter(redaction).filter(entry):
        return None
    return KeyValueFormatter(redaction).format(entry)


def test_python_telegram_bot_s_debug_line_with_a_whole_update_is_dropped() -> None:
    update = {"message": {"text": SECRET, "from": {"first_name": "Jo", "id": 7001}}}
    assert passed("telegram.ext.Application", logging.DEBUG, "Processing update %s", update) is None
    assert passed("httpx", logging.INFO, "HTTP Request: POST %s", f"https://x/bot{TOKEN}/") is None
    assert passed("aiosqlite", logging.DEBUG, "executing %s", ("SELECT ?", (SECRET,))) is None


def test_a_library_s_chatter_is_dropped_even_when_its_level_was_set_to_debug() -> None:
    logging.getLogger("telegram.ext.ExtBot").setLevel(logging.DEBUG)
    try:
        assert passed("telegram.ext.ExtBot", logging.DEBUG, "Calling Bot API %s", SECRET) is None
    finally:
        logging.getLogger("telegram.ext.ExtBot").setLevel(logging.NOTSET)


def test_a_library_warning_keeps_its_template_with_each_argument_as_its_type() -> None:
    line = passed(
        "telegram.ext.Updater", logging.WARNING, "Error while getting Updates: %s", SECRET
    )
    assert line is not None
    assert line.endswith('msg="Error while getting Updates: <str>"')


def test_a_library_error_keeps_only_its_first_line_and_elides_what_it_quotes() -> None:
    message = f"Exception in callback Sender.deliver('{SECRET}')\nhandle: <Handle {SECRET}>"
    line = passed("asyncio", logging.ERROR, message)
    assert line is not None
    assert 'msg="Exception in callback Sender.deliver…"' in line
    assert "ZEBRA" not in line


def test_klik_s_own_debug_line_passes_with_its_values() -> None:
    line = passed("bot.services.sender", logging.DEBUG, "event=sent kind=%s", "reply")
    assert line is not None and line.endswith("event=sent kind=reply")


def test_a_token_shaped_string_is_replaced_in_any_line() -> None:
    line = passed("bot.process.app", logging.WARNING, "calling https://api/bot%s/getMe", TOKEN)
    assert line is not None
    assert TOKEN not in line and TOKEN.split(":")[1] not in line
    assert "bot<hidden>/getMe" in line


def test_a_configured_secret_is_replaced_in_any_line() -> None:
    line = passed(
        "bot.channels.telegram.webhook",
        logging.INFO,
        "header was %s",
        WEBHOOK_SECRET,
        secrets=(WEBHOOK_SECRET,),
    )
    assert line is not None and WEBHOOK_SECRET not in line


def test_the_secrets_are_every_secret_setting_and_the_database_password() -> None:
    settings = Settings(
        telegram_token=SecretStr(TOKEN),
        webhook_secret=SecretStr(WEBHOOK_SECRET),
        webhook_url="https://klik.example/telegram",
        database_url="postgresql://klik:db-password-99@db/klik",
        _env_file=None,  # type: ignore[call-arg]
    )
    found = secrets_of(settings, settings.database_url)
    assert {TOKEN, TOKEN.split(":")[1], WEBHOOK_SECRET, "db-password-99"} <= set(found)


def logged_by_a_process(script: str) -> str:
    """What a Python process logs on stderr when it configures the log as `klik run` does
    and then runs `script`."""
    setup = (
        "from bot.process.logs import configure_logging\n"
        f"configure_logging('DEBUG', [{WEBHOOK_SECRET!r}])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", setup + script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stderr


def test_an_uncaught_error_is_logged_as_its_type_and_frames_never_its_message() -> None:
    err = logged_by_a_process(f"raise ValueError(' '.join([{SECRET!r}, {TOKEN!r}]))")
    assert "event=uncaught_error error=ValueError" in err
    assert "ZEBRA" not in err and TOKEN not in err


def test_an_error_in_another_thread_is_logged_the_same_way() -> None:
    err = logged_by_a_process(
        "import threading\n"
        "def fail(): raise KeyError(" + repr(SECRET) + ")\n"
        "worker = threading.Thread(target=fail); worker.start(); worker.join()"
    )
    assert "event=uncaught_error thread=" in err and "error=KeyError" in err
    assert "ZEBRA" not in err


def test_a_warning_s_text_goes_through_the_filter() -> None:
    err = logged_by_a_process(f"import warnings\nwarnings.warn('could not use ' + {SECRET!r})")
    assert "logger=py.warnings" in err and "UserWarning" in err
    assert "ZEBRA" not in err


def test_a_log_line_that_cannot_be_written_is_not_printed_with_its_error_instead() -> None:
    err = logged_by_a_process(
        "import logging, sys\n"
        "logging.getLogger().handlers[0].stream = open('/dev/null')  # opened for reading\n"
        "try:\n"
        "    raise ValueError(" + repr(SECRET) + ")\n"
        "except ValueError:\n"
        "    logging.getLogger('bot.x').exception('event=failed')"
    )
    assert "ZEBRA" not in err
