"""The `klik` command: run, migrate, health, shell, check-content, crisis-eval, diagram,
rotate-key; coach and teamlead (staff_cli.py); purge and audit (privacy_cli.py); feedback
(feedback_cli.py); stats and targets (stats_cli.py)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.process import feedback_cli, privacy_cli, staff_cli, stats_cli
from bot.process.config import (
    Settings,
    SettingsError,
    load_settings,
    settings_or_exit,
)
from bot.process.crisis_report import report_lines
from bot.process.logs import configure_logging
from bot.process.redaction import secrets_of
from bot.process.runtime import (
    Runtime,
    StartupError,
    content_or_refuse,
    database_or_refuse,
    database_ready,
    migrate_or_refuse,
    shown_url,
)
from flows.content import ContentError, load_content
from flows.crisis import CrisisDetector, CrisisLexicon
from flows.crisis.evaluate import (
    FALSE_ALARM_TARGET,
    RECALL_TARGET,
    CorpusError,
    Example,
    evaluate,
    parse_corpus,
)
from flows.intake import intake_machine_spec

EXIT_REFUSED = 2


def cmd_run(_: argparse.Namespace) -> int:
    """Run the service (Telegram by polling or webhook if there is a token; the dashboard,
    health routes) until stopped."""
    settings = settings_or_exit()
    configure_logging(settings.log_level, secrets_of(settings, settings.database_url))
    from bot.process.app import create_app, serve
    from bot.process.runtime import ShiftedClock, utc_now

    try:
        offset = settings.clock_offset_file
        clock = ShiftedClock(offset) if offset is not None else utc_now
        app = create_app(settings, clock=clock)
        asyncio.run(serve(app, settings.http_host, settings.http_port))
    except StartupError as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    """Bring the database to the newest migration."""
    settings = settings_or_exit()
    configure_logging("WARNING", secrets_of(settings, settings.database_url))
    try:
        asyncio.run(migrate_or_refuse(settings))
    except StartupError as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    print(f"klik: database {shown_url(settings.database_url)} is migrated")
    return 0


def cmd_health(_: argparse.Namespace) -> int:
    """Exit 0 when the database is reachable and migrated; 1 and one line why otherwise."""
    # A container health check reads 1 as unhealthy; 2 is reserved there, so every failure,
    # a wrong setting too, is 1 here.
    try:
        settings = load_settings()
        asyncio.run(database_ready(settings))
    except (SettingsError, StartupError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"klik: healthy, database {shown_url(settings.database_url)} is migrated")
    return 0


async def _rotate(settings: Settings) -> tuple[dict[str, int], int]:
    from storage import sealing
    from storage.rotation import left_behind, rotate_all

    db = await database_or_refuse(settings)  # installs the settings' key ring
    try:
        done = await rotate_all(db, sealing.ring())
        return done, await left_behind(db, sealing.ring())
    finally:
        await db.close()


def cmd_rotate_key(_: argparse.Namespace) -> int:
    """Re-encrypt every text and chat id under DATA_KEY, in small batches while the service
    runs; DATA_KEY_OLD lists the keys being replaced (docs/operating.md)."""
    from storage.sealing import SealingError

    settings = settings_or_exit()
    configure_logging("WARNING")
    try:
        done, left = asyncio.run(_rotate(settings))
    except (StartupError, SealingError) as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    total = sum(done.values())
    detail = ", ".join(f"{table} {rows}" for table, rows in done.items() if rows)
    print(
        f"klik: re-encrypted {total} rows under the current data key"
        + (f" ({detail})" if detail else "")
    )
    if left:
        print(f"klik: {left} rows were busy or written meanwhile; run klik rotate-key again")
        return 1
    print("klik: every row opens with DATA_KEY alone now; remove DATA_KEY_OLD and restart")
    return 0


async def _shell(settings: Settings, language: str, fresh: bool) -> None:
    from bot.channels.shell import run_shell

    runtime = await Runtime.start(settings)
    try:
        await run_shell(runtime, language=language, fresh=fresh)
    finally:
        await runtime.close()


def cmd_shell(args: argparse.Namespace) -> int:
    """Do the intake in the terminal, without Telegram."""
    settings = settings_or_exit()
    configure_logging("WARNING", secrets_of(settings, settings.database_url))
    language = args.language or os.environ.get("LANG", "nl")[:2]
    try:
        asyncio.run(_shell(settings, language, args.new))
    except StartupError as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    return 0


def cmd_check_content(args: argparse.Namespace) -> int:
    """Check every content file; print each problem as file, key and reason."""
    directory = Path(args.dir) if args.dir else settings_or_exit().content_dir
    try:
        content = load_content(directory)
    except ContentError as error:
        for problem in error.problems:
            print(f"{directory}/{problem}")
        print(f"{len(error.problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    crisis = content.crisis
    terms = sum(len(t) for by_name in crisis.concepts.values() for t in by_name.values())
    print(
        f"content OK: {len(content.questionnaire.questions)} questions, "
        f"{len(content.questionnaire.preferences)} preferences, "
        f"{len(content.texts[content.questionnaire.default_language])} texts in "
        f"{', '.join(content.texts)}, {len(crisis.rules)} crisis rules over {terms} terms"
    )
    return 0


def _read_corpora(files: list[str]) -> list[Example] | None:
    """Every example in the corpus files; None (and the reason on stderr) when one is unfit."""
    examples: list[Example] = []
    for name in files:
        try:
            with open(name, encoding="utf-8") as handle:
                examples += parse_corpus(handle, name)
        except (OSError, CorpusError) as error:
            print(error, file=sys.stderr)
            return None
    return examples


def cmd_crisis_eval(args: argparse.Namespace) -> int:
    """Measure crisis detection on labelled corpus files; exit 1 below the targets."""
    directory = Path(args.dir) if args.dir else settings_or_exit().content_dir
    try:
        content = load_content(directory)
    except ContentError as error:
        print(f"{len(error.problems)} problem(s) in {directory}; run klik check-content")
        return EXIT_REFUSED
    examples = _read_corpora(args.files)
    if examples is None:
        return EXIT_REFUSED
    report = evaluate(content.detector, examples)
    for line in report_lines(report, details=not args.quiet):
        print(line)
    met = report.meets(args.recall / 100, args.false_alarms / 100)
    print(
        f"target (recall >= {args.recall:g} %, false alarms <= {args.false_alarms:g} %, "
        f"every acute message caught): {'met' if met else 'NOT met'}"
    )
    return 0 if met else 1


def cmd_crisis_train(args: argparse.Namespace) -> int:
    """Fit the crisis model on labelled corpus files and write its weights file."""
    from bot.process.crisis_train import CorpusTooSmall, train, write

    directory = Path(args.dir) if args.dir else settings_or_exit().content_dir
    # Only the rules are needed: an old or broken weights file is what training replaces.
    try:
        with (directory / "crisis.yaml").open(encoding="utf-8") as handle:
            lexicon = CrisisLexicon.model_validate(yaml.safe_load(handle))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        print(f"{directory / 'crisis.yaml'}: {error}", file=sys.stderr)
        return EXIT_REFUSED
    rules = CrisisDetector(lexicon)
    examples = _read_corpora(args.files)
    if examples is None:
        return EXIT_REFUSED
    out = Path(args.out)
    try:
        lines = train(examples, rules)
    except CorpusTooSmall as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    write(lines, out)
    print(f"{out}: trained on {len(examples)} messages")
    return 0


def cmd_diagram(args: argparse.Namespace) -> int:
    """Print a machine as a Mermaid state diagram, drawn from the real machine: the intake
    (built from the questionnaire), a case, or an appointment."""
    from flows.appointments.machine import APPOINTMENT_MACHINE
    from flows.case import CASE_MACHINE

    if args.machine == "case":
        print(_drawn(CASE_MACHINE, "Case"))
    elif args.machine == "appointment":
        print(_drawn(APPOINTMENT_MACHINE, "Appointment"))
    else:
        print(_drawn(intake_machine_spec(content_or_refuse(settings_or_exit())), "Intake"))
    return 0


def _drawn(spec: dict[str, Any], title: str) -> str:
    from transitions.extensions import GraphMachine

    machine = GraphMachine(
        model=None, auto_transitions=False, graph_engine="mermaid", title=title, **spec
    )

    class Drawn:
        state = spec["initial"]

    model = Drawn()
    machine.add_model(model)
    drawn: str = model.get_graph().draw(None)  # type: ignore[attr-defined]
    return drawn


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `klik` console script."""
    # python-telegram-bot's newer time spans: retry_after arrives as a timedelta.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    parser = argparse.ArgumentParser(prog="klik", description="Klik: low-threshold youth coaching.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help=cmd_run.__doc__).set_defaults(func=cmd_run)
    commands.add_parser("migrate", help=cmd_migrate.__doc__).set_defaults(func=cmd_migrate)
    shell = commands.add_parser("shell", help=cmd_shell.__doc__)
    shell.add_argument("--new", action="store_true", help="forget the previous shell youngster")
    shell.add_argument("--language", help="nl or en (default: from LANG)")
    shell.set_defaults(func=cmd_shell)
    check = commands.add_parser("check-content", help=cmd_check_content.__doc__)
    check.add_argument("--dir", help="content folder (default: CONTENT_DIR or the shipped one)")
    check.set_defaults(func=cmd_check_content)
    evaluate_ = commands.add_parser("crisis-eval", help=cmd_crisis_eval.__doc__)
    evaluate_.add_argument("files", nargs="+", help="corpus files (language, label, ... text)")
    evaluate_.add_argument("--dir", help="content folder (default: CONTENT_DIR or the shipped one)")
    evaluate_.add_argument("--recall", type=float, default=100 * RECALL_TARGET, help="in %%")
    evaluate_.add_argument(
        "--false-alarms", type=float, default=100 * FALSE_ALARM_TARGET, help="in %%"
    )
    evaluate_.add_argument("--quiet", action="store_true", help="figures only, no messages")
    evaluate_.set_defaults(func=cmd_crisis_eval)
    training = commands.add_parser("crisis-train", help=cmd_crisis_train.__doc__)
    training.add_argument("files", nargs="+", help="corpus files (language, label, ... text)")
    training.add_argument("--out", default="content/crisis-model.tsv", help="weights file")
    training.add_argument("--dir", help="content folder whose rules the model joins")
    training.set_defaults(func=cmd_crisis_train)
    diagram = commands.add_parser("diagram", help=cmd_diagram.__doc__)
    diagram.add_argument(
        "machine", nargs="?", default="intake", choices=("intake", "case", "appointment")
    )
    diagram.set_defaults(func=cmd_diagram)
    commands.add_parser("health", help=cmd_health.__doc__).set_defaults(func=cmd_health)
    rotate = commands.add_parser("rotate-key", help=cmd_rotate_key.__doc__)
    rotate.set_defaults(func=cmd_rotate_key)
    staff_cli.install(commands)
    privacy_cli.install(commands)
    feedback_cli.install(commands)
    stats_cli.install(commands)
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:
        # Read by `head` or a pager that quit early: stop quietly, not with a traceback, and
        # keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
