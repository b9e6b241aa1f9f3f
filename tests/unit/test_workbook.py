"""Tests for reading the import workbook and writing the template and invite export."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook as XlWorkbook
from openpyxl import load_workbook

import domain.intake.workbook as workbook_module
from domain.errors import WorkbookRejected
from domain.intake.workbook import (
    SheetInvite,
    read_workbook,
    write_invites,
    write_template,
)
from domain.intake.workbook_marks import mark_errors
from domain.model import (
    KIND_NAMES_ZH,
    ROLE_NAMES_ZH,
    CampaignSource,
    Role,
    RoundInfo,
    RowError,
    TaskKind,
    Workbook,
)
from tests.conftest import PUTUO_XLSX as PUTUO

PEOPLE_HEADER: list[object] = ["姓名", "单位", "角色", "Telegram用户名", "手机"]
TASK_HEADER: list[object] = [
    "序号",
    "问题类别",
    "问题",
    "整改措施",
    "责任单位",
    "责任人",
    "牵头领导",
    "整改时限",
    "整改类型",
]
Rows = Sequence[Sequence[object]]
Tweak = Callable[[Any], None]


# ---------------------------------------------------------------- builders


def person(
    name: object = "张三",
    unit: object = "区科委",
    roles: object = "责任人",
    telegram: object = None,
    phone: object = None,
) -> list[object]:
    return [name, unit, roles, telegram, phone]


def task(
    number: object = "1.1",
    category: object = "贯彻落实方面",
    problem: object = "问题甲",
    measure: object = "措施甲",
    unit: object = "区科委",
    owner: object = "张三",
    lead: object = "李四",
    due: object = date(2026, 12, 31),
    kind: object = "限期整改",
) -> list[object]:
    return [number, category, problem, measure, unit, owner, lead, due, kind]


def xlsx(sheets: dict[str, Rows], tweak: dict[str, Tweak] | None = None) -> bytes:
    """Build a workbook in memory: sheet name → rows; `tweak` edits a sheet after filling."""
    book = XlWorkbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        if tweak and title in tweak:
            tweak[title](sheet)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def book(
    people: Rows | None = None,
    tasks: Rows | None = None,
    *,
    tweak: dict[str, Tweak] | None = None,
) -> bytes:
    """Build a two-sheet import workbook; omitted sheets get one valid row."""
    people_rows = [person()] if people is None else people
    task_rows = [task()] if tasks is None else tasks
    return xlsx(
        {"人员": [PEOPLE_HEADER, *people_rows], "整改任务": [TASK_HEADER, *task_rows]},
        tweak,
    )


def rejected(data: bytes, *, allow_admin: bool = False) -> list[RowError]:
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(data, allow_admin=allow_admin)
    return caught.value.errors


def only_error(data: bytes, *, allow_admin: bool = False) -> RowError:
    errors = rejected(data, allow_admin=allow_admin)
    assert len(errors) == 1, errors
    return errors[0]


def parse(data: bytes, *, allow_admin: bool = False) -> Workbook:
    return read_workbook(data, allow_admin=allow_admin)


def one_task_with(**fields: object) -> bytes:
    return book(tasks=[task(**fields)])


def one_person_with(**fields: object) -> bytes:
    return book(people=[person(**fields)])


# ---------------------------------------------------------------- the Putuo example


@pytest.fixture(scope="module")
def putuo() -> Workbook:
    return read_workbook(PUTUO.read_bytes(), allow_admin=False)


def test_the_putuo_workbook_yields_55_people_and_152_tasks_over_41_problems(
    putuo: Workbook,
) -> None:
    assert len(putuo.people) == 55  # no name repeats, so nothing merges
    assert len(putuo.tasks) == 152
    assert len({t.problem for t in putuo.tasks}) == 41


def test_the_putuo_people_hold_the_expected_roles(putuo: Workbook) -> None:
    counts = Counter(role for p in putuo.people for role in p.roles)
    assert counts == {Role.OFFICIAL: 32, Role.UNIT_HEAD: 16, Role.LEADER: 5, Role.COORDINATOR: 2}
    assert putuo.people[0].name == "刘振华"
    assert putuo.people[0].phone == "13900000001"
    assert putuo.people[0].row == 2


def test_the_putuo_numbers_stay_text_as_written(putuo: Workbook) -> None:
    numbers = [t.number for t in putuo.tasks]
    assert len(set(numbers)) == 152
    assert numbers[:3] == ["1.1", "1.2", "1.3"]
    # The sheet stops at four measures per problem, so there is no "1.10"; "10.1" is the
    # case a float reading would spoil.
    assert "10.1" in numbers
    assert "1.10" not in numbers
    assert numbers[-1] == "41.4"


def test_the_putuo_tasks_all_have_deadlines_and_the_expected_kinds(putuo: Workbook) -> None:
    kinds = Counter(t.kind for t in putuo.tasks)
    assert kinds == {TaskKind.BOUNDED: 113, TaskKind.LONG_TERM: 28, TaskKind.IMMEDIATE: 11}
    assert all(t.kind is TaskKind.LONG_TERM for t in putuo.tasks if t.due_on is None)
    assert sum(t.due_on is None for t in putuo.tasks) == 0
    assert putuo.tasks[0].due_on == date(2027, 1, 29)
    assert putuo.tasks[0].lead == "孙振邦"


# ---------------------------------------------------------------- the file itself


def test_a_text_file_renamed_to_xlsx_is_not_a_workbook() -> None:
    error = only_error("姓名,单位\n张三,区科委\n".encode())
    assert (error.sheet, error.row, error.column) == ("", None, None)
    assert "文件不是有效的 Excel (.xlsx) 工作簿" in error.reason.plain("zh")


def test_an_empty_upload_is_not_a_workbook() -> None:
    assert "不是有效的 Excel" in only_error(b"").reason.plain("zh")


def test_a_docx_like_zip_without_workbook_parts_is_not_a_workbook() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    error = only_error(buffer.getvalue())
    assert error.sheet == ""
    assert "不是有效的 Excel" in error.reason.plain("zh")


def test_a_zip_without_content_types_is_not_a_workbook() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "不是有效的 Excel" in only_error(buffer.getvalue()).reason.plain("zh")


def test_a_truncated_workbook_is_not_a_workbook() -> None:
    data = book()
    assert "不是有效的 Excel" in only_error(data[: len(data) // 2]).reason.plain("zh")


def test_a_damaged_workbook_part_is_not_a_workbook() -> None:
    source = zipfile.ZipFile(BytesIO(book()))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/workbook.xml":
                content = b"<not-closed"
            archive.writestr(item, content)
    assert "不是有效的 Excel" in only_error(buffer.getvalue()).reason.plain("zh")


def test_an_old_xls_or_password_protected_file_gets_its_own_message() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    error = only_error(ole)
    assert error.row is None
    assert ".xls" in error.reason.plain("zh")
    assert "密码" in error.reason.plain("zh")


def _no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("openpyxl must not load a rejected container")

    import openpyxl  # the reader imports it on first use, so the patch is seen there

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def _zip_of_zeros(path: Path, megabytes: int) -> bytes:
    """Stream a member of zeros into a zip on disk, so the test never holds it in memory."""
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(megabytes):
                member.write(chunk)
    return path.read_bytes()


def test_a_zip_bomb_is_rejected_before_openpyxl_loads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _zip_of_zeros(tmp_path / "bomb.xlsx", 150)
    assert len(data) < 2 * 1024 * 1024
    _no_openpyxl(monkeypatch)
    error = only_error(data)
    assert (error.sheet, error.row) == ("", None)
    assert "100 MB" in error.reason.plain("zh")


def test_a_member_with_an_absurd_compression_ratio_is_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _zip_of_zeros(tmp_path / "ratio.xlsx", 20)
    _no_openpyxl(monkeypatch)
    error = only_error(data)
    assert "xl/worksheets/sheet1.xml" in error.reason.plain("zh")
    assert "压缩" in error.reason.plain("zh")


# ---------------------------------------------------------------- sheets and headers


def test_a_missing_sheet_is_named_with_the_sheets_found() -> None:
    data = xlsx({"人员": [PEOPLE_HEADER, person()], "Sheet1": [TASK_HEADER, task()]})
    error = only_error(data)
    assert (error.sheet, error.row) == ("整改任务", None)
    assert "整改任务" in error.reason.plain("zh")
    assert "Sheet1" in error.reason.plain("zh")
    assert "人员" in error.reason.plain("zh")


def test_sheet_names_match_after_stripping_spaces() -> None:
    data = xlsx({" 人 员 ": [PEOPLE_HEADER, person()], "整改任务\u3000": [TASK_HEADER, task()]})
    assert len(parse(data).tasks) == 1


def test_the_header_may_sit_below_title_rows_in_any_order_with_extra_columns() -> None:
    people = [
        ["某区巡察整改人员名单"],
        [],
        ["备注", "手 机", "角色", " 姓\u3000名 ", "单位"],
        ["外聘", "13900000001", "责任人", "张三", "区科委"],
    ]
    tasks: Rows = [
        ["整改任务清单"],
        [*reversed(TASK_HEADER), "说明"],
        [*reversed(task()), "无关"],
    ]
    result = parse(xlsx({"人员": people, "整改任务": tasks}))
    assert result.people[0].row == 4
    assert result.people[0].phone == "13900000001"
    assert result.people[0].telegram_username is None
    assert result.tasks[0].row == 3
    assert result.tasks[0].number == "1.1"
    assert result.tasks[0].lead == "李四"


def test_a_missing_required_column_is_named() -> None:
    header = [h for h in TASK_HEADER if h != "整改措施"]
    row = task()
    del row[3]
    error = only_error(xlsx({"人员": [PEOPLE_HEADER, person()], "整改任务": [header, row]}))
    assert (error.sheet, error.row, error.column) == ("整改任务", 1, "整改措施")
    assert "整改措施" in error.reason.plain("zh")


def test_optional_columns_may_be_left_out() -> None:
    people = [["姓名", "单位", "角色"], ["张三", "区科委", "责任人"]]
    header = [h for h in TASK_HEADER if h not in ("问题类别", "牵头领导")]
    row = ["1.1", "问题甲", "措施甲", "区科委", "张三", date(2026, 12, 31), "限期整改"]
    result = parse(xlsx({"人员": people, "整改任务": [header, row]}))
    assert result.tasks[0].category is None
    assert result.tasks[0].lead is None


def test_a_sheet_without_any_header_names_each_required_column() -> None:
    data = xlsx({"人员": [["甲", "乙"], ["1", "2"]], "整改任务": [TASK_HEADER, task()]})
    errors = rejected(data)
    assert {e.column for e in errors} == {"姓名", "单位", "角色"}
    assert all(e.sheet == "人员" for e in errors)


def test_merged_problem_cells_fill_down_over_their_measures() -> None:
    tasks = [
        task(number="1.1", measure="措施一", problem="合并的问题", category="类别甲", lead="李四"),
        task(number="1.2", measure="措施二", problem=None, category=None, lead=None),
        task(number="1.3", measure="措施三", problem=None, category=None, lead=None),
        task(number="2.1", measure="措施四", problem="另一个问题", category=None, lead="王五"),
    ]

    def merge(sheet: Any) -> None:
        sheet.merge_cells("B2:B4")
        sheet.merge_cells("C2:C4")
        sheet.merge_cells("G2:G4")

    result = parse(book(tasks=tasks, tweak={"整改任务": merge}))
    assert [t.problem for t in result.tasks] == ["合并的问题"] * 3 + ["另一个问题"]
    assert [t.category for t in result.tasks] == ["类别甲"] * 3 + [None]
    assert [t.lead for t in result.tasks] == ["李四"] * 3 + ["王五"]


def test_a_merge_running_past_the_last_measure_adds_no_rows() -> None:
    def merge(sheet: Any) -> None:
        sheet.merge_cells("C2:C6")

    result = parse(book(tasks=[task()], tweak={"整改任务": merge}))
    assert len(result.tasks) == 1


def test_fully_empty_rows_are_skipped() -> None:
    tasks: Rows = [task(number="1.1"), [None] * 9, ["  ", None, "\u3000"], task(number="1.2")]
    result = parse(book(tasks=tasks))
    assert [(t.row, t.number) for t in result.tasks] == [(2, "1.1"), (5, "1.2")]


def test_more_rows_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook_module, "MAX_DATA_ROWS", 3)
    data = book(tasks=[task(number=f"1.{i}") for i in range(1, 5)])
    error = only_error(data)
    assert (error.sheet, error.row) == ("整改任务", None)
    assert "行数过多" in error.reason.plain("zh")
    assert "4" in error.reason.plain("zh")


def test_a_task_sheet_with_only_a_header_is_refused() -> None:
    error = only_error(book(tasks=[]))
    assert (error.sheet, error.row) == ("整改任务", None)
    assert "没有任务" in error.reason.plain("zh")


@pytest.fixture(scope="module")
def ten_thousand_rows() -> bytes:
    numbers = (f"{i // 10 + 1}.{i % 10 + 1}" for i in range(10_000))
    return book(tasks=[task(number=n, measure=f"措施{n}") for n in numbers])


def test_a_ten_thousand_row_workbook_parses(ten_thousand_rows: bytes) -> None:
    result = parse(ten_thousand_rows)
    assert len(result.tasks) == 10_000
    assert result.tasks[-1].row == 10_001
    assert result.tasks[-1].number == "1000.10"


def test_stored_cells_are_counted_before_openpyxl_loads_the_file(
    ten_thousand_rows: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 8 cells on 人员 (empty cells are not stored) + 9 × 10,001 on 整改任务; the sheet XML spans
    # several read chunks, so this also checks that no tag is lost at a chunk boundary.
    monkeypatch.setattr(workbook_module, "MAX_STORED_CELLS", 90_016)
    _no_openpyxl(monkeypatch)
    error = only_error(ten_thousand_rows)
    assert (error.sheet, error.row) == ("", None)
    assert "90017" in error.reason.plain("zh")


# ---------------------------------------------------------------- 人员


def test_inner_spaces_in_chinese_names_are_removed() -> None:
    result = parse(one_person_with(name=" 王 伟\u3000", unit="区 科委 "))
    assert result.people[0].name == "王伟"
    assert result.people[0].unit == "区科委"


def test_a_latin_name_keeps_a_single_inner_space() -> None:
    assert parse(one_person_with(name="  John   Smith ")).people[0].name == "John Smith"


def test_the_unit_of_a_person_may_be_empty() -> None:
    assert parse(one_person_with(unit=None, roles="领导")).people[0].unit is None


def test_a_missing_name_is_reported() -> None:
    error = only_error(book(people=[person(), person(name=None, unit="区商务委")]))
    assert (error.sheet, error.row, error.column) == ("人员", 3, "姓名")
    assert "姓名" in error.reason.plain("zh")


def test_a_missing_role_is_reported() -> None:
    error = only_error(one_person_with(roles=" "))
    assert (error.row, error.column) == (2, "角色")
    assert "角色" in error.reason.plain("zh")


@pytest.mark.parametrize(
    "written",
    ["领导、责任人", "领导,责任人", "领导，责任人", "领导/责任人", "领导；责任人", "领导 责任人"],
)
def test_several_roles_may_share_a_cell(written: str) -> None:
    roles = parse(one_person_with(roles=written)).people[0].roles
    assert roles == {Role.LEADER, Role.OFFICIAL}


def test_an_unknown_role_lists_the_allowed_ones() -> None:
    error = only_error(one_person_with(roles="责任人、组长"))
    assert (error.sheet, error.row, error.column) == ("人员", 2, "角色")
    assert "组长" in error.reason.plain("zh")
    assert "协调员、领导、单位负责人、责任人" in error.reason.plain("zh")


def test_the_admin_role_is_refused_unless_allowed() -> None:
    error = only_error(one_person_with(roles="管理员"))
    assert (error.row, error.column) == (2, "角色")
    assert error.reason.plain("zh") == "管理员角色只能由系统管理员在命令行或配置中设置"


def test_the_admin_role_is_accepted_when_allowed() -> None:
    result = parse(one_person_with(roles="管理员、协调员"), allow_admin=True)
    assert result.people[0].roles == {Role.ADMIN, Role.COORDINATOR}


def test_the_same_person_on_several_rows_merges_roles_into_the_first_row() -> None:
    people = [
        person(name="王伟", roles="单位负责人", phone="13900000001"),
        person(name="李娜"),
        person(name="王 伟", roles="责任人", telegram="@wangwei"),
    ]
    result = parse(book(people=people))
    assert [p.name for p in result.people] == ["王伟", "李娜"]
    merged = result.people[0]
    assert merged.row == 2
    assert merged.roles == {Role.UNIT_HEAD, Role.OFFICIAL}
    assert merged.phone == "13900000001"
    assert merged.telegram_username == "wangwei"


def test_the_same_name_in_another_unit_is_a_clash_on_the_later_row() -> None:
    people = [person(name="王伟", unit="区科委"), person(name="王伟", unit="区商务委")]
    error = only_error(book(people=people))
    assert (error.sheet, error.row, error.column) == ("人员", 3, "姓名")
    assert "重名" in error.reason.plain("zh")
    assert "王伟" in error.reason.plain("zh")
    assert "第 2 行" in error.reason.plain("zh")
    assert "括号" in error.reason.plain("zh")


def test_a_repeated_person_with_another_phone_is_reported() -> None:
    people = [person(phone="13900000001"), person(phone="13900000002")]
    error = only_error(book(people=people))
    assert (error.row, error.column) == (3, "手机")
    assert "13900000002" in error.reason.plain("zh")


@pytest.mark.parametrize(
    ("written", "kept"),
    [("@zhang_san", "zhang_san"), ("ZhangSan", "ZhangSan"), ("https://t.me/zs_2024", "zs_2024")],
)
def test_telegram_usernames_lose_their_at_sign(written: str, kept: str) -> None:
    assert parse(one_person_with(telegram=written)).people[0].telegram_username == kept


@pytest.mark.parametrize("written", ["@1abc", "ab", "张三", "zhang-san", "a" * 33])
def test_a_malformed_telegram_username_is_reported(written: str) -> None:
    error = only_error(one_person_with(telegram=written))
    assert (error.sheet, error.row, error.column) == ("人员", 2, "Telegram用户名")
    assert written in error.reason.plain("zh")


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        (13900000001, "13900000001"),
        (13900000001.0, "13900000001"),
        ("139 0000 0001", "13900000001"),
        ("+86 139-0000-0001", "+8613900000001"),
        ("021-5555 1234", "02155551234"),
        ("１３９００００００01", "13900000001"),
    ],
)
def test_phone_numbers_become_digits(written: object, kept: str) -> None:
    assert parse(one_person_with(phone=written)).people[0].phone == kept


@pytest.mark.parametrize("written", ["12345", "1390000000112345", "139x0000", "86+139000000"])
def test_a_malformed_phone_number_is_reported(written: str) -> None:
    error = only_error(one_person_with(phone=written))
    assert (error.sheet, error.row, error.column) == ("人员", 2, "手机")
    assert written in error.reason.plain("zh")


# ---------------------------------------------------------------- 整改任务: 序号 and text


def test_a_numeric_number_formatted_with_two_decimals_keeps_its_trailing_zero() -> None:
    def fmt(sheet: Any) -> None:
        sheet["A2"].number_format = "0.00"

    result = parse(book(tasks=[task(number=1.10)], tweak={"整改任务": fmt}))
    assert result.tasks[0].number == "1.10"


@pytest.mark.parametrize(
    ("written", "number_format", "kept"),
    [
        (1.1, "General", "1.1"),
        (3, "General", "3"),
        (3.0, "General", "3"),
        (2.5, "0.0", "2.5"),
        (12, "0", "12"),
        (1.2, "0.0#", "1.2"),
        (" 1.10 ", "General", "1.10"),
        ("一、1", "@", "一、1"),
    ],
)
def test_numbers_are_read_as_the_text_shown(written: object, number_format: str, kept: str) -> None:
    def fmt(sheet: Any) -> None:
        sheet["A2"].number_format = number_format

    result = parse(book(tasks=[task(number=written)], tweak={"整改任务": fmt}))
    assert result.tasks[0].number == kept


def test_a_number_turned_into_a_date_by_excel_is_reported() -> None:
    error = only_error(one_task_with(number=datetime(2026, 1, 10)))
    assert (error.sheet, error.row, error.column) == ("整改任务", 2, "序号")
    assert "2026-01-10" in error.reason.plain("zh")


def test_a_duplicate_number_names_the_first_row() -> None:
    tasks = [task(number="1.1"), task(number="1.2"), task(number=" 1.1")]
    error = only_error(book(tasks=tasks))
    assert (error.sheet, error.row, error.column) == ("整改任务", 4, "序号")
    assert "1.1" in error.reason.plain("zh")
    assert "第 2 行" in error.reason.plain("zh")


@pytest.mark.parametrize(
    ("field", "column"),
    [
        ("number", "序号"),
        ("problem", "问题"),
        ("measure", "整改措施"),
        ("unit", "责任单位"),
        ("owner", "责任人"),
    ],
)
def test_a_required_task_cell_left_empty_is_reported(field: str, column: str) -> None:
    error = only_error(one_task_with(**{field: None}))
    assert (error.sheet, error.row, error.column) == ("整改任务", 2, column)
    assert column in error.reason.plain("zh")


def test_optional_task_cells_may_be_empty() -> None:
    result = parse(one_task_with(category=None, lead=None))
    assert result.tasks[0].category is None
    assert result.tasks[0].lead is None


def test_names_in_tasks_are_cleaned_like_person_names() -> None:
    result = parse(one_task_with(unit=" 区 科委", owner="张 三 ", lead="\u3000李 四"))
    assert (result.tasks[0].unit, result.tasks[0].owner, result.tasks[0].lead) == (
        "区科委",
        "张三",
        "李四",
    )


def test_a_cell_over_two_thousand_characters_is_reported() -> None:
    error = only_error(one_task_with(measure="措" * 2001))
    assert (error.sheet, error.row, error.column) == ("整改任务", 2, "整改措施")
    assert "2001" in error.reason.plain("zh")
    assert "2000" in error.reason.plain("zh")


# ---------------------------------------------------------------- 整改时限 and 整改类型


@pytest.mark.parametrize(
    ("written", "due"),
    [
        (datetime(2026, 12, 31, 0, 0), date(2026, 12, 31)),
        (date(2026, 6, 30), date(2026, 6, 30)),
        ("2026-12-31", date(2026, 12, 31)),
        ("2026/12/31", date(2026, 12, 31)),
        ("2026.12.31", date(2026, 12, 31)),
        ("2026年12月31日", date(2026, 12, 31)),
        ("2026年12月底", date(2026, 12, 31)),
        ("2026年2月底", date(2026, 2, 28)),
        ("2028年2月", date(2028, 2, 29)),
        ("2026 - 12 - 31", date(2026, 12, 31)),
        ("2026年 12月31日", date(2026, 12, 31)),
        ("２０２６年１２月３１日", date(2026, 12, 31)),
        ("2026-6-5", date(2026, 6, 5)),
        ("2026-12-31 00:00:00", date(2026, 12, 31)),
        ("20261231", date(2026, 12, 31)),
        ("2026年底", date(2026, 12, 31)),
        ("2026年12月31日前", date(2026, 12, 31)),
        ("2026年6月底前完成", date(2026, 6, 30)),
        (46387, date(2026, 12, 31)),
        (46387.0, date(2026, 12, 31)),
        (20261231, date(2026, 12, 31)),
        ("2020-01-01", date(2020, 1, 1)),
    ],
)
def test_deadlines_are_read_in_their_common_forms(written: object, due: date) -> None:
    assert parse(one_task_with(due=written)).tasks[0].due_on == due


def test_an_unreadable_deadline_is_explained() -> None:
    error = only_error(one_task_with(due="明年春天"))
    assert (error.sheet, error.row, error.column) == ("整改任务", 2, "整改时限")
    assert error.reason.plain("zh") == "整改时限无法识别：“明年春天”，请填写如 2026-12-31 的日期"


@pytest.mark.parametrize(
    "written", ["2026-02-30", "2026年13月", "2026/04/31", "0000年12月", "0000年底", "2026-00-10"]
)
def test_an_impossible_deadline_is_reported(written: str) -> None:
    error = only_error(one_task_with(due=written))
    assert (error.row, error.column) == (2, "整改时限")
    assert written in error.reason.plain("zh")


@pytest.mark.parametrize("written", ["完成", "年底前", "2026"])
def test_a_deadline_without_a_date_in_it_is_unreadable(written: str) -> None:
    error = only_error(one_task_with(due=written))
    assert (error.row, error.column) == (2, "整改时限")
    assert f"“{written}”" in error.reason.plain("zh")


@pytest.mark.parametrize("written", [2026.12, 12, True])
def test_a_number_that_is_not_a_date_is_reported(written: object) -> None:
    error = only_error(one_task_with(due=written))
    assert (error.row, error.column) == (2, "整改时限")


@pytest.mark.parametrize("written", ["长期", "长期坚持", "持续推进", " 长 期 "])
def test_long_term_words_mean_no_deadline_for_long_term_tasks(written: str) -> None:
    result = parse(one_task_with(due=written, kind="长期推进"))
    assert result.tasks[0].due_on is None
    assert result.tasks[0].kind is TaskKind.LONG_TERM


@pytest.mark.parametrize("kind", ["限期整改", "立行立改"])
def test_a_long_term_word_needs_a_long_term_kind(kind: str) -> None:
    error = only_error(one_task_with(due="长期坚持", kind=kind))
    assert (error.sheet, error.row, error.column) == ("整改任务", 2, "整改时限")
    assert "长期坚持" in error.reason.plain("zh")
    assert kind in error.reason.plain("zh")


def test_an_empty_deadline_needs_a_long_term_kind() -> None:
    error = only_error(one_task_with(due=None, kind="限期整改"))
    assert (error.row, error.column) == (2, "整改时限")
    assert "限期整改" in error.reason.plain("zh")


def test_an_empty_kind_follows_the_deadline() -> None:
    tasks = [task(number="1.1", kind=None), task(number="1.2", due=None, kind=" ")]
    result = parse(book(tasks=tasks))
    assert [t.kind for t in result.tasks] == [TaskKind.BOUNDED, TaskKind.LONG_TERM]
    assert result.tasks[1].due_on is None


def test_a_long_term_task_may_still_carry_a_date() -> None:
    result = parse(one_task_with(kind="长期推进", due="2027-06-30"))
    assert result.tasks[0].due_on == date(2027, 6, 30)
    assert result.tasks[0].kind is TaskKind.LONG_TERM


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("立行立改", TaskKind.IMMEDIATE),
        (" 限期 整改 ", TaskKind.BOUNDED),
        ("长期推进", TaskKind.LONG_TERM),
    ],
)
def test_the_three_kinds_are_recognised(written: str, kind: TaskKind) -> None:
    assert parse(one_task_with(kind=written)).tasks[0].kind is kind


def test_an_unknown_kind_lists_the_allowed_ones() -> None:
    error = only_error(one_task_with(kind="尽快整改"))
    assert (error.sheet, error.row, error.column) == ("整改任务", 2, "整改类型")
    assert "尽快整改" in error.reason.plain("zh")
    assert "立行立改、限期整改 或 长期推进" in error.reason.plain("zh")


# ---------------------------------------------------------------- all errors at once


def test_every_error_in_the_workbook_is_reported_together() -> None:
    people = [person(roles="组长"), person(name="李四", telegram="@1x")]
    tasks = [
        task(number="1.1", due="明年春天"),
        task(number="1.1", owner=None),
        task(number="1.2", kind="随便"),
    ]
    errors = rejected(book(people=people, tasks=tasks))
    where = {(e.sheet, e.row, e.column) for e in errors}
    assert where == {
        ("人员", 2, "角色"),
        ("人员", 3, "Telegram用户名"),
        ("整改任务", 2, "整改时限"),
        ("整改任务", 3, "序号"),
        ("整改任务", 3, "责任人"),
        ("整改任务", 4, "整改类型"),
    }


def test_a_missing_sheet_does_not_hide_errors_in_the_other() -> None:
    data = xlsx({"人员": [PEOPLE_HEADER, person(roles="组长")]})
    errors = rejected(data)
    assert {(e.sheet, e.column) for e in errors} == {("人员", "角色"), ("整改任务", None)}


def test_the_rejection_message_lists_each_error() -> None:
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(one_task_with(due="明年春天"), allow_admin=False)
    assert "整改任务 row 2 [整改时限]" in str(caught.value)
    assert caught.value.params == {"count": 1}


# ---------------------------------------------------------------- template and invites


def test_the_template_parses_back_with_its_example_rows() -> None:
    result = read_workbook(write_template(), allow_admin=False)
    assert [(p.name, p.unit, p.roles) for p in result.people] == [
        ("张三", "区发展改革委", frozenset({Role.OFFICIAL}))
    ]
    assert len(result.tasks) == 1
    assert result.tasks[0].number == "1.1"
    assert result.tasks[0].owner == "张三"
    assert result.tasks[0].kind is TaskKind.BOUNDED
    assert result.round == RoundInfo(source=CampaignSource.INSPECTION)  # 类型 巡察, dates empty


def test_the_template_has_styled_frozen_headers_dropdowns_and_instructions() -> None:
    template = load_workbook(BytesIO(write_template()))
    assert template.sheetnames == ["人员", "整改任务", "轮次", "说明"]
    people, tasks, _round, help_sheet = (template[name] for name in template.sheetnames)
    assert [c.value for c in people[1]] == PEOPLE_HEADER
    assert [c.value for c in tasks[1]] == [*TASK_HEADER, "配合单位"]
    for sheet in (people, tasks):
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.b
        assert sheet["A1"].fill.fill_type == "solid"
        assert sheet.column_dimensions["A"].width > 0
    role_lists = [dv.formula1 for dv in people.data_validations.dataValidation]
    kind_lists = [dv.formula1 for dv in tasks.data_validations.dataValidation]
    assert any("单位负责人" in f and "管理员" not in f for f in role_lists)
    assert any("立行立改" in f and "长期推进" in f for f in kind_lists)
    assert tasks["H2"].number_format == "yyyy-mm-dd"
    explained = {row[1] for row in help_sheet.iter_rows(min_row=2, values_only=True)}
    assert set(PEOPLE_HEADER) | set(TASK_HEADER) <= explained


def test_the_invite_export_reads_back_with_clickable_links() -> None:
    rows = [
        SheetInvite(
            "张三", "区科委", "责任人", "https://t.me/rectibot?start=abc", datetime(2026, 1, 5, 18)
        ),
        SheetInvite(
            "=李四", None, "领导、责任人", "https://t.me/rectibot?start=xyz", datetime(2026, 1, 6)
        ),
    ]
    exported = load_workbook(BytesIO(write_invites(rows)))
    sheet = exported["邀请链接"]
    assert [c.value for c in sheet[1]] == ["姓名", "单位", "角色", "邀请链接", "有效期至"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == [
        "张三",
        "区科委",
        "责任人",
        "https://t.me/rectibot?start=abc",
        datetime(2026, 1, 5, 18),
    ]
    assert sheet["D2"].hyperlink.target == "https://t.me/rectibot?start=abc"
    # A name starting with "=" stays text, not a formula.
    assert sheet["A3"].value == "=李四"
    assert sheet["A3"].data_type == "s"
    assert sheet["B3"].value is None
    assert sheet.column_dimensions["D"].width >= 40


def test_an_invite_with_a_time_zone_keeps_its_wall_clock_time() -> None:
    shanghai = timezone(timedelta(hours=8))
    row = SheetInvite(
        "张三", None, "责任人", "https://t.me/x", datetime(2026, 1, 5, 9, tzinfo=shanghai)
    )
    sheet = load_workbook(BytesIO(write_invites([row])))["邀请链接"]
    assert sheet["E2"].value == datetime(2026, 1, 5, 9)


def test_an_empty_invite_list_still_has_its_header() -> None:
    sheet = load_workbook(BytesIO(write_invites([])))["邀请链接"]
    assert sheet.max_row == 1


@pytest.mark.parametrize(
    "written", ["9999-12-31", "1900-01-01", datetime(9999, 12, 31), date(1900, 1, 1), "2150年底"]
)
def test_a_deadline_outside_the_sane_window_is_refused_with_the_window(written: object) -> None:
    error = only_error(one_task_with(due=written))
    assert (error.row, error.column) == (2, "整改时限")
    assert "超出合理范围" in error.reason.plain("zh")
    assert "2000 年至 2099 年" in error.reason.plain("zh")


def with_merged_range(data: bytes, ref: str, quote: str = '"') -> bytes:
    """The workbook with one more merged range written straight into its first sheet's XML."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                merge = f"<mergeCells count={quote}1{quote}><mergeCell ref={quote}{ref}{quote}/></mergeCells>"
                body = body.replace(b"</worksheet>", merge.encode() + b"</worksheet>")
            target.writestr(item, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("ref", "quote"), [("A1:XFD1048576", '"'), ("A1:A1048576", "'"), ("$A$1:$Z$9999", '"')]
)
def test_a_huge_merged_range_is_refused_before_openpyxl_expands_it(ref: str, quote: str) -> None:
    data = with_merged_range(PUTUO.read_bytes(), ref, quote)
    assert len(data) < 200_000
    error = only_error(data)
    assert error.row is None
    assert "合并单元格范围过大" in error.reason.plain("zh")
    assert mark_errors(data, [error], "zh") is None  # never opened to mark it either


def test_ordinary_merged_problem_cells_still_read() -> None:
    data = with_merged_range(PUTUO.read_bytes(), "K200:M300")
    assert len(read_workbook(data, allow_admin=False).tasks) == 152


def test_a_two_row_header_with_merged_cells_is_not_read_as_a_task() -> None:
    sub_header = ["", "", "", "", "单位名称", "", "", "", ""]

    def merge_header(sheet: Any) -> None:
        for column in "ABCDFGHI":
            sheet.merge_cells(f"{column}1:{column}2")

    data = book(tasks=[sub_header, task()], tweak={"整改任务": merge_header})
    tasks = parse(data).tasks
    assert [t.number for t in tasks] == ["1.1"]


# ---------------------------------------------------------------- the optional 轮次 sheet


def with_round(rows: Rows) -> bytes:
    return xlsx(
        {
            "人员": [PEOPLE_HEADER, person(), person("李四", "区领导小组", "领导")],
            "整改任务": [TASK_HEADER, task()],
            "轮次": [["项目", "内容"], *rows],
        }
    )


def test_a_file_without_a_round_sheet_has_no_round() -> None:
    data = xlsx(
        {
            "人员": [PEOPLE_HEADER, person(), person("李四", "区领导小组", "领导")],
            "整改任务": [TASK_HEADER, task()],
        }
    )
    assert read_workbook(data, allow_admin=False).round is None


def test_the_round_sheet_gives_the_source_the_feedback_date_and_dates_set_by_hand() -> None:
    data = with_round(
        [
            ["类型", "审计"],
            [" 反馈日期 ", datetime(2026, 11, 20)],
            ["整改方案报送时限", "2026年12月11日"],
            ["整改情况报告报送时限", None],
        ]
    )
    assert read_workbook(data, allow_admin=False).round == RoundInfo(
        CampaignSource.AUDIT, date(2026, 11, 20), date(2026, 12, 11), None
    )


def test_round_sheet_mistakes_are_named_by_row_and_column() -> None:
    data = with_round(
        [
            ["类型", "专项检查"],
            ["反馈日期", "上个月"],
            ["反馈日期", "2026-11-20"],
            ["截止日期", "2026-12-31"],
            ["整改方案报送时限", "1926-12-31"],
        ]
    )
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(data, allow_admin=False)
    reasons = {
        (e.row, e.column): e.reason.plain("zh") for e in caught.value.errors if e.sheet == "轮次"
    }
    assert reasons == {
        (2, "内容"): "类型“专项检查”无法识别，只能是 巡视、巡察、审计 或 督查",
        (3, "内容"): "日期无法识别：“上个月”，请填写如 2026-11-20 的日期",
        (4, "项目"): "“反馈日期”填写了两次，请只保留一行",
        (
            5,
            "项目",
        ): "无法识别的项目“截止日期”，只能是 类型、反馈日期、整改方案报送时限、整改情况报告报送时限",
        (6, "内容"): "日期超出合理范围：“1926-12-31”，请检查年份",
    }


# ---------------------------------------------------------------- 配合单位


def with_supporting(value: object) -> bytes:
    return xlsx(
        {
            "人员": [PEOPLE_HEADER, person(), person("李四", "区领导小组", "领导")],
            "整改任务": [[*TASK_HEADER, "配合单位"], [*task(), value]],
        }
    )


def test_supporting_units_are_read_split_on_any_usual_separator() -> None:
    found = read_workbook(
        with_supporting("区商务委、区财政局，区商务委;\n区 委 网信办"), allow_admin=False
    )
    assert found.tasks[0].supporting == ("区商务委", "区财政局", "区委网信办")
    assert found.supporting_column
    assert read_workbook(with_supporting(None), allow_admin=False).tasks[0].supporting == ()


def test_the_lead_unit_cannot_also_support_its_own_measure() -> None:
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(with_supporting("区商务委、区科委"), allow_admin=False)
    assert [(e.row, e.column, e.reason.plain("zh")) for e in caught.value.errors] == [
        (2, "配合单位", "“区科委”是本措施的责任单位，不能同时作为配合单位")
    ]


def test_a_file_without_the_column_keeps_the_supporting_units_on_reimport() -> None:
    assert not read_workbook(one_task_with(), allow_admin=False).supporting_column


_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("data", "english"),
    [
        (one_task_with(due="明年春天"), "cannot read the deadline “明年春天”; write a date"),
        (one_task_with(due=None, kind="限期整改"), "整改时限 is empty; only 长期推进 measures"),
        (one_person_with(roles="组长、管理员"), "the role “组长” is not recognised; it can be"),
        (one_person_with(phone="12"), "the phone number “12” is malformed"),
        (b"not a workbook", "the file is not a valid Excel (.xlsx) workbook"),
    ],
)
def test_an_english_reader_gets_every_reason_in_english(data: bytes, english: str) -> None:
    said = [e.reason.plain("en") for e in rejected(data)]
    assert any(english in s for s in said), said
    # Chinese remains only inside quotes or as the workbook's own words (columns, roles, kinds).
    own = sorted([*ROLE_NAMES_ZH, *KIND_NAMES_ZH, "整改时限", "、"], key=len, reverse=True)
    for sentence in said:
        outside = re.sub("“[^”]*”|" + "|".join(own), "", sentence)
        assert not _CJK.search(outside), sentence


def test_two_problems_in_one_cell_are_said_as_one_sentence_in_each_language() -> None:
    error = only_error(one_person_with(roles="组长、管理员"))
    assert "；管理员角色只能由系统管理员" in error.reason.plain("zh")
    assert "; the admin role can only be given by the operator" in error.reason.plain("en")


def test_the_marked_workbook_lists_the_errors_in_the_readers_language() -> None:
    data = one_task_with(due="明年春天")
    errors = rejected(data)
    for lang, title, header, reason in (
        ("zh", "错误清单", "问题", "整改时限无法识别"),
        ("en", "Errors", "Problem", "cannot read the deadline"),
    ):
        marked = mark_errors(data, errors, lang)
        assert marked is not None
        sheet = load_workbook(BytesIO(marked))[title]
        assert sheet.cell(1, 4).value == header
        assert reason in str(sheet.cell(2, 4).value)
