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
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.harness import TOKEN, World, start_world, stop_world
from bot.renderers import default_renderers
from domain import importing
from domain.model import Role, Workbook
from domain.workbook import read_workbook
from simulator import BotApiSimulator, SentMessage, SimUser
from storage.migrate import upgrade

DEMO_DATA = Path(__file__).with_name("data") / "putuo_tasks.xlsx"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Six weeks around National Day 2026 (1–7 October off; Sunday 20 September and Saturday
# 10 October are swapped working days).
START = datetime(2026, 9, 14, 8, 0, tzinfo=SHANGHAI)
WEEKS = 6
STEP = timedelta(minutes=30)
# The sample's deadlines start in December 2026; move them so some fall inside the six weeks.
SHIFT = timedelta(days=-54)
STAR = "王建国"
LEADER = "孙振邦"
COORDINATOR = "高飞"


@dataclass
class Official:
    """A simulated official: how reliably they answer, and how far along their work is."""

    name: str
    user: SimUser
    diligence: float
    percent: dict[str, int] = field(default_factory=dict)
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
    board: str = ""
    chart: Path | None = None


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
        await demo.coordinator.command("board")
        board = (await demo.coordinator.next_message()).text
        chart = _save_outputs(demo, out)
    finally:
        await stop_world(world)
    demo.board, demo.chart = board, chart
    _print(demo, board, chart, wallclock.monotonic() - started, quiet)
    return demo


async def _set_up(world: World) -> Demo:
    workbook = shifted(read_workbook(DEMO_DATA.read_bytes(), allow_admin=True))
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=workbook, campaign_name="普陀区巡视整改"
    )
    rng = random.Random(2026)
    owners = sorted({t.owner for t in workbook.tasks})
    officials = {}
    for name in owners:
        user = await world.join(name)
        # Most report every week, some now and then, a few hardly at all.
        diligence = 0.95 if name == STAR else rng.choice([0.95, 0.9, 0.8, 0.6, 0.3])
        officials[name] = Official(name, user, diligence)
    readers = [
        p for p in workbook.people if p.roles & {Role.LEADER, Role.COORDINATOR, Role.UNIT_HEAD}
    ]
    joined = {p.name: await world.join(p.name) for p in readers}
    await world.tick()  # the rhythm starts now
    return Demo(world, officials, joined[LEADER], joined[COORDINATOR], rng)


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
            asks = message.all_callback_data() and "✍️" in "".join(message.button_texts())
            if asks and demo.rng.random() < official.diligence:
                await _report(demo, official, message)


async def _report(demo: Demo, official: Official, reminder: SentMessage) -> None:
    label = reminder.button_texts()[0]
    number = label.replace("✍️", "").strip()
    official.user.skip_all()  # read on from here: the next message is the answer to the press
    await official.user.press(reminder, label)
    prompt = await official.user.next_message()
    before = official.percent.get(number, 0)
    now = min(100, before + demo.rng.choice([20, 30, 40]))
    official.percent[number] = now
    words = "已整改到位，请审核销号" if now == 100 else f"按计划推进，目前完成{now}%"
    await official.user.reply(prompt, words)
    ack = await official.user.next_message()
    if official.name == STAR:
        demo.transcript += [
            _line(demo, "bot", prompt.text),
            _line(demo, official.name, words),
            _line(demo, "bot", ack.text),
        ]
    if now == 100:
        query = await official.user.press(ack, "申请销号")
        await official.user.wait_callback_answer(query)
        if official.name == STAR:
            demo.transcript.append(_line(demo, official.name, "[申请销号]"))
    official.seen = len(official.user.inbox)


def _collect_digests(demo: Demo) -> None:
    inbox = demo.leader.inbox
    for message in inbox[demo.leader_seen :]:
        if "周报" in message.text:
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
    say.write(f"\n=== Final board ===\n{board}\n")
    say.write(f"\nChart written to {chart} ({seconds:.1f} s)\n")
    print(say.getvalue())


def main(out: Path, quiet: bool = False) -> int:
    """Run the demo from the command line."""
    asyncio.run(run_demo(out, quiet))
    return 0
