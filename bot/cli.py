"""The `rectibot` command line: run, db upgrade, import, template, invite, export, parse."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TextIO, TypeVar

from sqlalchemy.exc import DBAPIError
from telegram import Bot
from telegram.error import TelegramError

from bot import logs
from bot.app import Wiring, build_application, grade_rule, light_policy, rhythm_policy
from bot.clock import SystemClock
from bot.failures import telegram_failure
from bot.serve import SecondPoller, serve
from bot.single import hold_sqlite_lock
from bot.telegram_http import AiohttpRequest
from bot.web import ListenerUnavailable
from config.settings import ConfigError, Settings, load_settings
from domain.campaigns import only_open
from domain.errors import AmbiguousCampaign, DomainError, PersonUnknown, WorkbookRejected
from domain.intake import importing, notices
from domain.intake.notice_parser import outline_to_json
from domain.intake.workbook import SheetInvite, read_workbook, write_invites, write_template
from domain.model import Campaign, CampaignSource, ReportKind, roles_zh
from domain.people import accounts
from domain.ports import UnitOfWork
from domain.records import exports
from domain.records.history import plain_text
from domain.texts import Phrase, text, unescaped
from scheduler.delivery import DrainStats
from storage.database import describe_failure, make_engine, make_session_factory
from storage.migrate import upgrade_sync
from storage.uow import SqlUnitOfWork

T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the subcommand; errors are one clear sentence."""
    args = _parser().parse_args(argv)
    lang = "zh"  # until the settings say otherwise
    try:
        settings = load_settings()
        lang = settings.default_language
        token = settings.telegram_bot_token
        logs.configure(
            settings.log_level, settings.log_format, token.get_secret_value() if token else None
        )
        return int(args.func(settings, args))
    except ConfigError as exc:
        print(f"rectibot: {exc}", file=sys.stderr)
        return 2
    except WorkbookRejected as exc:
        _say(lang, "cli.rejected", errors=exc.describe(lang), to=sys.stderr)
        return 1
    except PersonUnknown as exc:
        candidates = exc.params.get("candidates") or []
        said = unescaped("list.sep", lang).join(candidates)
        hint = unescaped("cli.did_you_mean", lang, names=said) if candidates else ""
        _say(lang, "cli.no_person", name=exc.params["name"], hint=hint, to=sys.stderr)
        return 1
    except AmbiguousCampaign as exc:
        names = exc.params.get("open") or []
        listed = unescaped("list.sep", lang).join(names) or unescaped("cli.none_yet", lang)
        _say(lang, "cli.name_campaign", open=listed, to=sys.stderr)
        return 1
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        _say(lang, "cli.cannot_read", file=exc.filename, reason=exc.strerror, to=sys.stderr)
        return 1
    except DomainError as exc:  # e.g. a .doc or PDF given to `parse`
        _say(
            lang, "cli.error", message=plain_text(text(exc.key, lang, **exc.params)), to=sys.stderr
        )
        return 1


def _said(lang: str, head: Phrase, lines: Sequence[Phrase]) -> None:
    """Print a heading and its indented lines."""
    print("\n".join([head.plain(lang), *(f"  {line.plain(lang)}" for line in lines)]))


def _say(lang: str, key: str, /, *, to: TextIO | None = None, **params: object) -> None:
    """Print a catalogue entry in the operator's language (DEFAULT_LANGUAGE)."""
    print(unescaped(key, lang, **params), file=to)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rectibot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    parser.set_defaults(func=_run)
    sub.add_parser("run", help="start the bot (long polling)").set_defaults(func=_run)
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="upgrade the schema to the latest version").set_defaults(
        func=_db_upgrade
    )
    imp = sub.add_parser("import", help="import people and tasks from an .xlsx workbook")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--campaign", help="campaign name (created if new; default: the only open one)"
    )
    imp.add_argument(
        "--source",
        choices=[s.value for s in CampaignSource],
        default="inspection",
        help="kind of round for a new campaign",
    )
    imp.set_defaults(func=_import)
    tpl = sub.add_parser("template", help="write an empty import template")
    tpl.add_argument("-o", "--output", type=Path, default=Path("rectibot_template.xlsx"))
    tpl.set_defaults(func=_template)
    inv = sub.add_parser("invite", help="print a person's invite link, or write all of them")
    who = inv.add_mutually_exclusive_group(required=True)
    who.add_argument("name", nargs="?", help="the person's name (a unique part is enough)")
    who.add_argument("--all", action="store_true", help="every active person not yet linked")
    inv.add_argument("-o", "--output", type=Path, help="with --all: the .xlsx to write")
    inv.set_defaults(func=_invite)
    exp = sub.add_parser("export", help="write the ledger (台账) workbook of a campaign")
    exp.add_argument("--campaign", help="campaign name (default: the only open one)")
    exp.add_argument("-o", "--output", type=Path, help="the .xlsx to write (default: a dated name)")
    exp.add_argument(
        "--lang", choices=["zh", "en"], help="language of added columns (default: DEFAULT_LANGUAGE)"
    )
    exp.set_defaults(func=_export)
    rep = sub.add_parser("report", help="write the round's rectification report (.docx)")
    rep.add_argument("--campaign", help="campaign name (default: the only open one)")
    rep.add_argument("--kind", choices=[k.value for k in ReportKind], default="progress",
                     help="progress (整改进展情况报告) or final (整改情况报告)")  # fmt: skip
    rep.add_argument("-o", "--output", type=Path, help="the .docx to write (default: a dated name)")
    rep.set_defaults(func=_report)
    parse = sub.add_parser(
        "parse",
        help="read a notice (.docx/.txt/PDF) into its problem list and a pre-filled workbook",
    )
    parse.add_argument("file", type=Path)
    parse.add_argument("-o", "--output", type=Path, help="write the pre-filled import workbook")
    parse.add_argument("--json", action="store_true", help="print the outline as JSON")
    parse.set_defaults(func=_parse)
    sub.add_parser("send", help="send what the outbox holds now, then exit").set_defaults(
        func=_send
    )
    bak = sub.add_parser("backup", help="copy the database and evidence files into DIR")
    bak.add_argument("dir", type=Path)
    bak.set_defaults(func=_backup)
    res = sub.add_parser("restore", help="put a backup folder back (SQLite; stop the bot first)")
    res.add_argument("folder", type=Path)
    res.set_defaults(func=_restore)
    sub.add_parser(
        "doctor", help="check settings, database, token, webhook and holiday calendar"
    ).set_defaults(func=_doctor)
    demo = sub.add_parser("demo", help="six virtual weeks against the local simulator (no token)")
    demo.add_argument("-o", "--output", type=Path, default=Path("rectibot-demo"))
    demo.add_argument("--quiet", action="store_true", help="write the files, print nothing")
    demo.set_defaults(func=_demo)
    return parser


def _run(settings: Settings, _args: argparse.Namespace) -> int:
    settings.require_token()  # say what is missing before touching anything
    rhythm_policy(settings)  # a holiday file or a milestone limit that cannot be read, too
    grade_rule(settings)
    lock = hold_sqlite_lock(settings.effective_database_url)
    _database_ready(settings)
    with _telegram_explained(settings):  # before PTB's start, which logs a traceback instead
        asyncio.run(bot_username(settings.model_copy(update={"telegram_bot_username": None})))
    app = build_application(settings)
    try:
        with _telegram_explained(settings):
            asyncio.run(serve(app, settings))
    except (SecondPoller, ListenerUnavailable) as exc:
        raise ConfigError(f"{exc}.") from None
    finally:
        if lock is not None:
            lock.close()
    return 0


def _database_ready(settings: Settings) -> None:
    """Bring the schema up to date; a database that cannot be used is one sentence."""
    url = settings.effective_database_url
    try:
        upgrade_sync(url)
    except (OSError, DBAPIError) as exc:
        explained = describe_failure(exc, url)
        if explained is None:
            raise
        raise ConfigError(explained) from None


@contextmanager
def _telegram_explained(settings: Settings) -> Iterator[None]:
    """Turn a token Telegram refuses, or no route to it, into one sentence."""
    try:
        yield
    except TelegramError as exc:
        explained = telegram_failure(exc, settings.telegram_api_base_url)
        if explained is None:
            raise
        raise ConfigError(explained) from None


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from bot import backups

    done = backups.backup(settings, args.dir, datetime.now(settings.tz))
    _said(settings.default_language, Phrase.of("cli.backup", folder=done.folder), done.lines)
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from bot import backups

    done = backups.restore(settings, args.folder, datetime.now(settings.tz))
    _said(settings.default_language, Phrase.of("cli.restored", folder=done.folder), done.lines)
    return 0


def _doctor(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.doctor import BAD, examine

    findings = examine(settings)
    for finding in findings:
        print(finding)
    failed = sum(f.mark == BAD for f in findings)
    lang = settings.default_language
    if failed:
        _say(lang, "cli.doctor_failed", count=failed)
    else:
        _say(lang, "cli.doctor_ready")
    return 1 if failed else 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import main as demo_main  # matplotlib and the simulator load only here

    if settings.log_level != "DEBUG":  # the demo prints its own story
        logging.getLogger().setLevel(logging.WARNING)
    return demo_main(args.output, args.quiet)


def _send(settings: Settings, _args: argparse.Namespace) -> int:
    settings.require_token()
    _database_ready(settings)

    async def go() -> DrainStats:
        app = build_application(settings, Wiring(scheduler=False))
        async with app:
            try:
                return await app.bot_data.rhythm.sender.drain()
            finally:
                await app.bot_data.close()

    with _telegram_explained(settings):
        stats = asyncio.run(go())
    _say(settings.default_language, "cli.sent", **vars(stats))
    return 0


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    _database_ready(settings)
    _say(settings.default_language, "cli.schema_ok")
    return 0


def _import(settings: Settings, args: argparse.Namespace) -> int:
    workbook = read_workbook(args.file.read_bytes(), allow_admin=True)
    summary = _with_uow(
        settings,
        lambda uow: importing.import_workbook(
            uow=uow,
            clock=SystemClock(),
            workbook=workbook,
            campaign_name=args.campaign,
            source=CampaignSource(args.source),
        ),
    )
    lang = settings.default_language
    _say(
        lang,
        "cli.imported",
        campaign=summary.campaign,
        new=unescaped("import.new_campaign", lang) if summary.campaign_created else "",
        problems=summary.problems,
        added=summary.tasks_added,
        updated=summary.tasks_updated,
        people=summary.people_added,
        people_updated=summary.people_updated,
    )
    return 0


def _parse(settings: Settings, args: argparse.Namespace) -> int:
    lang = settings.default_language
    outline = notices.read_outline(args.file.read_bytes(), args.file.name)
    if args.json:
        print(json.dumps(outline_to_json(outline), ensure_ascii=False, indent=2))
    else:
        summary = notices.summarise(outline)
        _say(lang, "cli.parsed", problems=len(outline.problems), measures=summary.measures)
        for category, count in summary.by_category:
            print(f"  {category}: {count}")
        for item in outline.not_understood:
            _say(lang, "cli.not_understood", line=item.line, text=item.text[:80], to=sys.stderr)
    if args.output is not None:
        args.output.write_bytes(notices.summarise(outline).workbook)
        _say(lang, "cli.prefilled", file=args.output, to=sys.stderr if args.json else sys.stdout)
    return 0


def _template(settings: Settings, args: argparse.Namespace) -> int:
    args.output.write_bytes(write_template())
    _say(settings.default_language, "cli.template", file=args.output)
    return 0


def _invite(settings: Settings, args: argparse.Namespace) -> int:
    username = asyncio.run(bot_username(settings))
    days = settings.invite_valid_days
    if not args.all:
        invite = _with_uow(
            settings,
            lambda uow: accounts.issue_invite(
                uow=uow, clock=SystemClock(), name=args.name, valid_days=days
            ),
        )
        _say(
            settings.default_language,
            "cli.invite",
            name=invite.person.name,
            link=invite.link(username),
            until=f"{invite.expires_at:%Y-%m-%d}",
        )
        return 0
    if args.output is None:
        raise ConfigError("invite --all needs -o FILE.xlsx to write the links to.")
    invites = _with_uow(
        settings,
        lambda uow: accounts.issue_all_invites(uow=uow, clock=SystemClock(), valid_days=days),
    )
    rows = [
        SheetInvite(
            name=i.person.name,
            unit=i.person.unit_name,
            roles=roles_zh(i.person.roles),
            link=i.link(username),
            expires_at=i.expires_at.astimezone(settings.tz).replace(tzinfo=None),
        )
        for i in invites
    ]
    args.output.write_bytes(write_invites(rows))
    _say(settings.default_language, "cli.invites", count=len(rows), file=args.output)
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from domain.records import ledger  # openpyxl (~35 MB) loads for this command, not with the bot

    async def work(uow: UnitOfWork) -> tuple[Campaign, bytes]:
        campaign = await _campaign_named(uow, args.campaign)
        data = await ledger.export_ledger(
            uow=uow,
            clock=SystemClock(),
            campaign_id=campaign.id,
            policy=light_policy(settings),
            lang=args.lang or settings.default_language,
        )
        return campaign, data

    campaign, data = _with_uow(settings, work)
    today = SystemClock().now().astimezone(settings.tz).date()
    output = args.output or Path(ledger.ledger_file_name(campaign.name, today))
    output.write_bytes(data)
    _say(settings.default_language, "cli.ledger", campaign=campaign.name, file=output)
    return 0


def _report(settings: Settings, args: argparse.Namespace) -> int:
    async def work(uow: UnitOfWork) -> tuple[str, bytes]:
        campaign = await _campaign_named(uow, args.campaign)
        return await exports.report_of(
            uow=uow, clock=SystemClock(), campaign=campaign, tz=settings.tz,
            kind=ReportKind(args.kind),
        )  # fmt: skip

    name, data = _with_uow(settings, work)
    output = args.output or Path(name)
    output.write_bytes(data)
    _say(settings.default_language, "cli.report", file=output)
    return 0


async def _campaign_named(uow: UnitOfWork, name: str | None) -> Campaign:
    """Return the named campaign, else the only open one; unclear or unknown says which exist."""
    async with uow:
        found = await uow.campaigns.by_name(name.strip()) if name else None
        if found is not None:
            return found
        if name is None:
            return await only_open(uow)
        open_ones = await uow.campaigns.open_campaigns()
    raise AmbiguousCampaign(open=[c.name for c in open_ones])


async def bot_username(settings: Settings) -> str:
    """Return the bot's username: from settings, else asked of Telegram with the token."""
    if settings.telegram_bot_username:
        return settings.telegram_bot_username
    if settings.telegram_bot_token is None:
        raise ConfigError(
            "Set TELEGRAM_BOT_USERNAME (or TELEGRAM_BOT_TOKEN, to ask Telegram) to build invite links."
        )
    api = settings.telegram_api_base_url
    with _telegram_explained(settings):
        async with Bot(
            settings.require_token(),
            base_url=f"{api}/bot",
            base_file_url=f"{api}/file/bot",
            request=AiohttpRequest(),  # the bot's own client: the same route and proxy
        ) as bot:
            return str(bot.username)


def _with_uow(settings: Settings, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    _database_ready(settings)

    async def go() -> T:
        engine = make_engine(settings.effective_database_url)
        try:
            return await work(SqlUnitOfWork(make_session_factory(engine)))
        finally:
            await engine.dispose()

    return asyncio.run(go())
