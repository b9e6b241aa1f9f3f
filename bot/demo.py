"""`rectibot demo`: six virtual weeks of the Putuo campaign, the real bot against the simulator.

No token is needed: the bot talks to the local Bot API simulator; time is a manual clock that the
demo moves half an hour at a time, running the same tick and sender the real bot runs.
"""

from __future__ import annotations

import asyncio
import io
import random
import tempfile
import time as wallclock
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.harness import TOKEN, World, start_world, stop_world
from bot.renderers import default_renderers
from domain.intake import importing
from domain.intake.workbook import read_workbook
from domain.model import Role, Workbook
from simulator import BotApiSimulator, SentMessage, SimUser
from storage.migrate import upgrade

DEMO_DATA = Path(__file__).with_name("data") / "putuo_tasks.xlsx"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Six weeks around National Day 2026 (1–7 October off; Sunday 20 September and Saturday
# 10 October are swapped working days).
START = datetime(2026, 9, 14, 8, 0, tzinfo=SHANGHAI)
WEEKS = 6
STEP = timedelta(minutes=30)
FEEDBACK = date(2026, 9, 10)  # the inspection's feedback, a few days before the demo starts
# The sample's deadlines start in December 2026; move them so some fall inside the six weeks.
SHIFT = timedelta(days=-54)
STAR = "王建国"
LEADER = "孙振邦"
COORDINATOR = "高飞"
# 区财政局: 孔德华 never answers; the unit's liaison 曹颖 reports the unit's week for him.
LIAISON, SILENT = "曹颖", "孔德华"


@dataclass
class Official:
    """A simulated official (or liaison): how reliably they answer their check-ins."""

    name: str
    user: SimUser
    diligence: float
    seen: int = 0


@dataclass
class Demo:
    """The demo's running state and what it prints."""

    world: World
    officials: dict[str, Official]
    leader: SimUser
    coordinator: SimUser
    rng: random.Random
    transcript: list[str] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    leader_seen: int = 0
    coordinator_seen: int = 0
    progress: dict[str, int] = field(default_factory=dict)  # what each measure really stands at
    sent_back: bool = False
    review_log: list[str] = field(default_factory=list)  # what the coordinator decided
    milestone_log: list[str] = field(default_factory=list)  # plan reminders and the record
    grades: str = ""  # /grade at the end: the proposed grades
    first_board: str = ""
    board: str = ""
    chart: Path | None = None


def with_liaison(workbook: Workbook) -> Workbook:
    """Make LIAISON the liaison (联络员) of her unit, as the 人员 sheet would."""
    people = tuple(
        replace(p, roles=p.roles | {Role.LIAISON}) if p.name == LIAISON else p
        for p in workbook.people
    )
    return Workbook(people=people, tasks=workbook.tasks)


def shifted(workbook: Workbook) -> Workbook:
    """Move every deadline by SHIFT."""
    tasks = tuple(replace(t, due_on=t.due_on + SHIFT if t.due_on else None) for t in workbook.tasks)
    return Workbook(people=workbook.people, tasks=tasks)


async def run_demo(out: Path, quiet: bool = False, weeks: int = WEEKS) -> Demo:
    """Run the demo and write its outputs under `out`; return what happened."""
    started = wallclock.monotonic()
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="rectibot-demo-"))
    url = f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}"
    await upgrade(url)
    clock = ManualClock(START)
    sim = BotApiSimulator(token=TOKEN, bot_username="rectibot_demo_bot")
    world = await start_world(url, folder / "data", clock, sim=sim, renderers=default_renderers())
    try:
        demo = await _set_up(world)
        await _weeks(demo, weeks)
        demo.coordinator.skip_all()
        await demo.coordinator.command("grade")  # the grades the rule proposes at this point
        demo.grades = (await demo.coordinator.next_message()).text
        await demo.coordinator.command("board")
        board = (await demo.coordinator.next_message()).text
        chart = _save_outputs(demo, out)
    finally:
        await stop_world(world)
    demo.board, demo.chart = board, chart
    _print(demo, board, chart, wallclock.monotonic() - started, quiet)
    return demo


async def _set_up(world: World) -> Demo:
    workbook = with_liaison(shifted(read_workbook(DEMO_DATA.read_bytes(), allow_admin=True)))
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=workbook, campaign_name="普陀区巡视整改"
    )
    rng = random.Random(2026)
    owners = sorted({t.owner for t in workbook.tasks})
    officials = {}
    for name in owners:
        user = await world.join(name)
        # Most report every week, some now and then, a few hardly at all.
        diligence = rng.choice([0.95, 0.9, 0.8, 0.6, 0.3])
        diligence = {STAR: 1.0, LIAISON: 1.0, SILENT: 0.0}.get(name, diligence)
        officials[name] = Official(name, user, diligence)
    readers = [
        p for p in workbook.people if p.roles & {Role.LEADER, Role.COORDINATOR, Role.UNIT_HEAD}
    ]
    joined = {p.name: await world.join(p.name) for p in readers}
    await world.tick()  # the rhythm starts now
    demo = Demo(world, officials, joined[LEADER], joined[COORDINATOR], rng)
    demo.coordinator.skip_all()
    # The inspection's feedback came on Thursday 10 September: the plan is due in two weeks.
    await demo.coordinator.command("milestone", f"反馈 {FEEDBACK:%Y-%m-%d}")
    demo.milestone_log.append(_line(demo, COORDINATOR, f"/milestone 反馈 {FEEDBACK:%Y-%m-%d}"))
    demo.milestone_log.append(_line(demo, "bot", (await demo.coordinator.next_message()).text))
    await demo.coordinator.command("board")
    demo.first_board = (await demo.coordinator.next_message()).text
    demo.coordinator_seen = len(demo.coordinator.inbox)
    return demo


async def _weeks(demo: Demo, weeks: int) -> None:
    world = demo.world
    end = START + timedelta(weeks=weeks)
    while world.clock.now() < end:
        world.clock.advance(STEP)
        local = world.clock.now().astimezone(SHANGHAI)
        if not 8 <= local.hour < 18:
            continue
        result = await world.tick()
        if result.enqueued:
            await world.drain()
            await _respond(demo)
        _collect_digests(demo)


async def _respond(demo: Demo) -> None:
    for official in demo.officials.values():
        fresh = official.user.inbox[official.seen :]
        official.seen = len(official.user.inbox)
        for message in fresh:
            if official.name == STAR:
                demo.transcript.append(_line(demo, "bot", message.text))
            if _is_checkin(message) and demo.rng.random() < official.diligence:
                await _weekly_report(demo, official, message)
    await demo.world.drain()  # sign-off requests reach the coordinator
    await _review(demo)


def _is_checkin(message: SentMessage) -> bool:
    return "每周整改进展报送" in message.text or "本周进展尚未报送" in message.text


async def _weekly_report(demo: Demo, official: Official, checkin: SentMessage) -> None:
    """Answer a check-in the way officials do: one message for the week, or one tap."""
    user = official.user
    listed = [b.replace("✍️", "").strip() for b in checkin.button_texts() if b.startswith("✍️")]
    user.skip_all()
    if official.name != STAR and demo.rng.random() < 0.2:
        await _tap_no_change(demo, official, checkin)
        return
    moving = [n for n in listed if demo.rng.random() < 0.7] or listed[:1]
    items = []
    for number in moving:
        now = min(100, demo.progress.get(number, 0) + demo.rng.choice([20, 30, 40]))
        demo.progress[number] = now
        items.append(f"{number} 已整改到位" if now == 100 else f"{number} 按计划推进，完成{now}%")
    if len(moving) < len(listed):
        items.append("其余按计划推进")
    words = "；".join(items)
    await user.reply(checkin, words)
    answer = await user.next_message()
    _say(demo, official, words, answer)
    if len(items) == 1:  # one measure: recorded at once, as before
        if "申请销号" in answer.button_texts() and demo.progress[moving[0]] == 100:
            await user.wait_callback_answer(await user.press(answer, "申请销号"))
            _say(demo, official, "[申请销号]")
        official.seen = len(user.inbox)
        return
    await user.wait_callback_answer(await user.press(answer, "✅ 全部确认"))
    await demo.world.settle()
    _say(demo, official, "[✅ 全部确认]", answer)
    if any(b.startswith("📨") for b in answer.button_texts()):
        await user.wait_callback_answer(await user.press(answer, "📨"))
        await demo.world.settle()
        _say(demo, official, "[📨 申请销号]", answer)
    official.seen = len(user.inbox)


async def _tap_no_change(demo: Demo, official: Official, checkin: SentMessage) -> None:
    user = official.user
    await user.wait_callback_answer(await user.press(checkin, "无新进展"))
    card = await user.next_message()
    await user.wait_callback_answer(await user.press(card, "✅ 全部确认"))
    official.seen = len(user.inbox)


async def _review(demo: Demo) -> None:
    """The coordinator signs off what is asked, but sends the first request back."""
    gao = demo.coordinator
    fresh = gao.inbox[demo.coordinator_seen :]
    for reminder in [m for m in fresh if "报送提醒" in m.text]:
        demo.milestone_log.append(_line(demo, "bot", reminder.text))
        if "还有 1 天" in reminder.text:  # the plan goes in the day before it is due
            gao.skip_all()
            await gao.command("milestone", "方案 已报送")
            demo.milestone_log.append(_line(demo, COORDINATOR, "/milestone 方案 已报送"))
            demo.milestone_log.append(_line(demo, "bot", (await gao.next_message()).text))
    for notice in [m for m in fresh if "销号申请" in m.text and m.buttons]:
        summary = (notice.text.splitlines()[1] if "\n" in notice.text else notice.text).rstrip("：")
        if not demo.sent_back:
            demo.sent_back = True
            gao.skip_all()
            await gao.wait_callback_answer(await gao.press(notice, "↩️ 退回"))
            question = await gao.next_message()
            reason = "佐证材料不全，请补充会议纪要后重新申请"
            await gao.reply(question, reason)
            demo.review_log.append(_line(demo, COORDINATOR, f"[↩️ 退回] {summary} —— {reason}"))
        else:
            await gao.wait_callback_answer(await gao.press(notice, "✅ 同意销号"))
            demo.review_log.append(_line(demo, COORDINATOR, f"[✅ 同意销号] {summary}"))
    await demo.world.drain()  # decisions reach the officials
    demo.coordinator_seen = len(gao.inbox)


def _say(demo: Demo, official: Official, words: str, answer: SentMessage | None = None) -> None:
    if official.name != STAR:
        return
    demo.transcript.append(_line(demo, official.name, words))
    if answer is not None:
        demo.transcript.append(_line(demo, "bot", answer.text))


def _collect_digests(demo: Demo) -> None:
    inbox = demo.leader.inbox
    for message in inbox[demo.leader_seen :]:
        if "整改工作周报" in message.text:  # (a bulletin mentions the month's 周报 too)
            demo.digests.append(message.text)
    demo.leader_seen = len(inbox)


def _save_outputs(demo: Demo, out: Path) -> Path:
    chart = out / "digest_chart.png"
    photos = [m.photo for m in demo.leader.inbox if m.photo]
    if photos:
        chart.write_bytes(photos[-1])
    for m in demo.leader.inbox:
        if m.document is not None and m.document.file_name and m.document.data:
            (out / m.document.file_name).write_bytes(m.document.data)
    return chart


WEEKDAYS = "一二三四五六日"


def _line(demo: Demo, who: str, text: str) -> str:
    local = demo.world.clock.now().astimezone(SHANGHAI)
    return f"[{local:%m-%d} 周{WEEKDAYS[local.weekday()]} {local:%H:%M}] {who}: {text}"


def _print(demo: Demo, board: str, chart: Path, seconds: float, quiet: bool) -> None:
    if quiet:
        return
    say = io.StringIO()
    say.write(f"=== Conversation of {STAR} ===\n")
    say.write("\n".join(demo.transcript) + "\n")
    for i, digest in enumerate(demo.digests, start=1):
        say.write(f"\n=== Weekly digest {i} (to {LEADER}) ===\n{digest}\n")
    signed = sum("同意销号" in line for line in demo.review_log)
    say.write(f"\n=== Sign-offs by {COORDINATOR}: {signed} signed off, 1 sent back ===\n")
    say.write("\n".join([*demo.review_log[:3], "…", *demo.review_log[-2:]]) + "\n")
    say.write(f"\n=== The plan's milestone ({COORDINATOR}) ===\n")
    say.write("\n".join(demo.milestone_log) + "\n")
    say.write(f"\nChart written to {chart} ({seconds:.1f} s)\n")
    say.write(f"\n=== Proposed grades ({COORDINATOR}, /grade) ===\n{demo.grades}\n")
    say.write(f"\n=== Board at the start ===\n{demo.first_board}\n")
    say.write(f"\n=== Final board ===\n{board}\n")
    print(say.getvalue())


def main(out: Path, quiet: bool = False) -> int:
    """Run the demo from the command line."""
    asyncio.run(run_demo(out, quiet))
    return 0
