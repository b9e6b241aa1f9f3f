"""A province-sized board: 400 units arrive in parts Telegram accepts (counted in UTF-16)."""

from __future__ import annotations

from datetime import date

from domain.intake import importing
from domain.model import Role, SheetPerson, SheetTask, TaskKind, Workbook
from domain.texts import utf16_len
from tests.e2e.conftest import World

UNITS = 400


def province() -> Workbook:
    """400 units with one official and two measures each (one overdue), and a coordinator."""
    people = [SheetPerson(2, "省巡视办协调员", "省委巡视办", frozenset({Role.COORDINATOR}))]
    tasks = []
    for u in range(UNITS):
        unit = f"第{u:03d}号省直单位整改工作专班"
        people.append(SheetPerson(3 + u, f"官员{u:03d}", unit, frozenset({Role.OFFICIAL})))
        for m in range(2):
            tasks.append(
                SheetTask(
                    3 + 2 * u + m,
                    f"{u + 1}.{m + 1}",
                    "类别",
                    f"问题{u}",
                    f"措施{u}-{m}",
                    unit,
                    f"官员{u:03d}",
                    None,
                    date(2026, 1, 5) if m == 0 else date(2027, 6, 30),
                    TaskKind.BOUNDED,
                )
            )
    return Workbook(people=tuple(people), tasks=tuple(tasks))


async def test_a_400_unit_board_comes_in_parts_the_simulator_accepts(world: World) -> None:
    await importing.import_workbook(
        uow=world.uow(), clock=world.clock, workbook=province(), campaign_name="省级巡视"
    )
    coordinator = await world.join("省巡视办协调员")
    await coordinator.command("board")
    parts = [m.text for m in await coordinator.messages_until_idle(60)]
    assert world.sim.errors == []  # Telegram's limit (UTF-16 units) was kept by every part
    assert len(parts) > 1
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert max(utf16_len(p) for p in parts) > 2000  # parts are filled, not one line each
    whole = "\n".join(parts)
    assert all(f"第{u:03d}号省直单位整改工作专班" in whole for u in range(UNITS))
