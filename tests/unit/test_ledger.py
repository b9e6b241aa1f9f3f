"""The ledger (台账) writer: template columns first, progress after, summary and people sheets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from domain.intake.workbook import TASK_COLUMNS, read_workbook
from domain.lights import LightPolicy, light_for
from domain.model import Light, Person, Role, TaskKind, TaskStatus, TaskView
from domain.records.board import build_board
from domain.records.ledger import LIGHT_FILLS, ledger_file_name, write_ledger
from domain.rhythm.digest import summary_sentence
from tests.conftest import SHANGHAI

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
POLICY = LightPolicy(tz=SHANGHAI)


def view(task_id: int, number: str, **changes: Any) -> TaskView:
    base = TaskView(
        id=task_id,
        campaign_id=1,
        number=number,
        problem_id=1,
        category="类别一",
        problem="问题甲",
        measure=f"措施{number}",
        unit_id=1,
        unit_name="区发展改革委",
        owner_id=1,
        owner_name="王建国",
        lead_id=2,
        lead_name="孙振邦",
        kind=TaskKind.BOUNDED,
        due_on=date(2026, 12, 31),
        status=TaskStatus.OPEN,
        percent=0,
        created_at=datetime(2026, 11, 1, tzinfo=SHANGHAI),
        last_update_at=None,
    )
    return replace(base, **changes)


def person(person_id: int, name: str, unit: str | None, *roles: Role) -> Person:
    return Person(
        id=person_id,
        name=name,
        unit_id=None,
        unit_name=unit,
        roles=frozenset(roles),
        telegram_user_id=None,
        telegram_username=None,
        phone="13900000001" if person_id == 1 else None,
        language=None,
        reachable=True,
        active=True,
    )


TASKS = [
    view(1, "1.10", status=TaskStatus.IN_PROGRESS, percent=60, due_on=date(2026, 12, 4),
         last_update_at=datetime(2026, 11, 28, 15, 30, tzinfo=SHANGHAI),
         last_update_text="已完成方案\x07起草，进度60%"),
    view(2, "1.2", measure="=SUM(A1:A3)", due_on=date(2026, 11, 1)),  # overdue: red
    view(3, "2.1", problem_id=2, problem="问题乙", category=None, lead_id=None, lead_name=None, unit_id=2, unit_name="区科委",
         owner_id=3, owner_name="李晓燕", kind=TaskKind.LONG_TERM, due_on=None,
         status=TaskStatus.CLOSED, percent=100,
         closed_at=datetime(2026, 11, 29, 23, 30, tzinfo=SHANGHAI)),
]  # fmt: skip
LIGHTS = {t.id: light_for(t, NOW, POLICY) for t in TASKS}
PEOPLE = [
    person(1, "王建国", "区发展改革委", Role.OFFICIAL),
    person(2, "孙振邦", "区领导小组", Role.LEADER, Role.ADMIN),
    person(3, "李晓燕", "区科委", Role.ADMIN),  # no role but admin: listed as 责任人
]


def ledger(lang: str = "zh") -> bytes:
    return write_ledger(
        campaign="第一轮",
        tasks=TASKS,
        people=PEOPLE,
        board=build_board("第一轮", TASKS, NOW, POLICY),
        lights=LIGHTS,
        generated_at=NOW,
        tz=SHANGHAI,
        lang=lang,
        supporting={TASKS[0].id: ["区商务委", "区科委"]},
    )


def rows(sheet: Any) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(values_only=True))


def test_the_task_sheet_starts_with_the_template_columns_then_progress() -> None:
    sheet = load_workbook(BytesIO(ledger()))["整改任务"]
    header = rows(sheet)[0]
    assert header[: len(TASK_COLUMNS)] == tuple(c.name for c in TASK_COLUMNS)
    assert header[len(TASK_COLUMNS) :] == (
        "状态",
        "进度",
        "红黄绿灯",
        "最近进展",
        "最近报送时间",
        "销号日期",
    )
    first, second, third = rows(sheet)[1:]
    assert first[:9] == (
        "1.10",
        "类别一",
        "问题甲",
        "措施1.10",
        "区发展改革委",
        "王建国",
        "孙振邦",
        datetime(2026, 12, 4),
        "限期整改",
    )
    assert first[9] == "区商务委、区科委"  # 配合单位, as the import reads them back
    assert second[9] is None
    assert first[10:] == (
        "整改中",
        60,
        "黄灯",
        "已完成方案起草，进度60%",  # the control character Excel cannot hold is dropped
        datetime(2026, 11, 28, 15, 30),  # local wall-clock time
        None,
    )
    assert second[3] == "=SUM(A1:A3)"
    assert sheet["D3"].data_type == "s"  # text, not a formula
    assert third[7:9] == (None, "长期推进")
    assert third[10:13] == ("已销号", 100, "绿灯")
    assert third[15] == datetime(2026, 11, 29)  # the sign-off date in Shanghai
    assert sheet["L2"].number_format == '0"%"'


def test_the_light_cell_is_filled_with_its_colour() -> None:
    assert LIGHTS == {1: Light.YELLOW, 2: Light.RED, 3: Light.GREEN}  # due soon, overdue, closed
    sheet = load_workbook(BytesIO(ledger()))["整改任务"]
    fills = [sheet.cell(row, 13).fill.start_color.rgb for row in (2, 3, 4)]
    assert fills == [LIGHT_FILLS[Light.YELLOW], LIGHT_FILLS[Light.RED], LIGHT_FILLS[Light.GREEN]]
    assert [sheet.cell(row, 13).value for row in (2, 3, 4)] == ["黄灯", "红灯", "绿灯"]


def test_the_header_is_frozen_filtered_and_the_columns_have_widths() -> None:
    sheet = load_workbook(BytesIO(ledger()))["整改任务"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P4"
    assert sheet.column_dimensions["D"].width == 50
    assert sheet.column_dimensions["N"].width == 50
    assert sheet["D2"].alignment.wrap_text


def test_the_summary_sheet_holds_the_board_figures_and_the_formal_sentence() -> None:
    book = load_workbook(BytesIO(ledger()))
    assert book.sheetnames == ["整改任务", "汇总", "人员"]
    values = rows(book["汇总"])
    board = build_board("第一轮", TASKS, NOW, POLICY)
    assert values[2][0] == summary_sentence(board, "zh")
    assert values[2][0] == "反馈的2项问题已完成整改1项，整改措施3条已完成1条。"
    figures = {row[0]: row[1] for row in values if row[0] and row[1] is not None}
    assert figures["整改措施（条）"] == 3
    assert figures["已销号措施（条）"] == 1
    assert figures["逾期"] == 1
    assert (figures["红灯"], figures["黄灯"], figures["绿灯"]) == (1, 1, 1)
    units = {row[0]: row[1:8] for row in values if row[0] in ("区发展改革委", "区科委")}
    assert units["区科委"] == (1, 1, 1.0, 0, 0, 0, 1)
    assert units["区发展改革委"] == (2, 0, 0.0, 1, 1, 1, 0)


def test_the_people_sheet_lists_everyone_named_without_the_admin_role() -> None:
    people = rows(load_workbook(BytesIO(ledger()))["人员"])
    assert people == [
        ("姓名", "单位", "角色", "Telegram用户名", "手机"),
        ("王建国", "区发展改革委", "责任人", None, "13900000001"),
        ("孙振邦", "区领导小组", "领导", None, None),
        ("李晓燕", "区科委", "责任人", None, None),
    ]


def test_the_ledger_reads_back_as_an_import_workbook_with_the_same_plan() -> None:
    parsed = read_workbook(ledger(), allow_admin=False)
    assert [(t.number, t.measure, t.owner, t.lead, t.due_on, t.kind) for t in parsed.tasks] == [
        (t.number, t.measure, t.owner_name, t.lead_name, t.due_on, t.kind) for t in TASKS
    ]
    assert [p.name for p in parsed.people] == ["王建国", "孙振邦", "李晓燕"]


def test_english_names_the_added_columns_but_keeps_the_template_headers() -> None:
    book = load_workbook(BytesIO(ledger("en")))
    header = rows(book["整改任务"])[0]
    assert header[0] == "序号"
    assert header[10:] == (
        "Status",
        "Progress",
        "Light",
        "Last report",
        "Last report at",
        "Signed off on",
    )
    assert rows(book["整改任务"])[1][12] == "yellow"
    assert str(rows(book["汇总"])[2][0]).startswith("Of the 2 problems raised")


def test_the_file_name_is_dated_and_safe() -> None:
    assert ledger_file_name("普陀/巡察: 第一轮", date(2026, 11, 30)) == (
        "整改台账-普陀_巡察_第一轮-20261130.xlsx"
    )
