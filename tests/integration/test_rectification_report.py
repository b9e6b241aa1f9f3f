"""The round's rectification report: what it says, and that the notice parser reads it back."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

import docx

from bot.clock import ManualClock
from domain.intake import importing, notices
from domain.intake.workbook import read_workbook
from domain.model import ReportKind, TaskStatus, TaskView
from domain.ports import UnitOfWork
from domain.records import exports
from tests.conftest import PUTUO_XLSX, SHANGHAI

Factory = Callable[[], UnitOfWork]


def category_key(text: str | None) -> str:
    """「（一）“党的建设”方面」 and 「党的建设」 name the same category."""
    inner = re.sub(r"^（[一二三四五六七八九十]+）", "", text or "")
    return inner.removesuffix("方面").strip('“”"')


def title_key(text: str) -> str:
    """Titles compare without punctuation: inside “…” the report sets inner quotes as ‘…’."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PSZC")


def expected(views: list[TaskView]) -> list[tuple[str, str, int]]:
    problems: dict[int, tuple[str, str, int]] = {}
    for view in views:
        category, title, count = problems.get(
            view.problem_id, (view.category or "其他", view.problem, 0)
        )
        problems[view.problem_id] = (category_key(category), title_key(title), count + 1)
    return list(problems.values())


def read_back(data: bytes) -> list[tuple[str, str, int]]:
    outline = notices.read_outline(data, "report.docx")
    assert not outline.not_understood, outline.not_understood
    return [
        (category_key(p.category), title_key(p.title), len(p.measures)) for p in outline.problems
    ]


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


async def putuo(uow_factory: Factory, clock: ManualClock) -> int:
    await importing.import_workbook(
        uow=uow_factory(), clock=clock, workbook=read_workbook(PUTUO_XLSX.read_bytes(), allow_admin=True),
        campaign_name="普陀区巡视整改",
    )  # fmt: skip
    async with uow_factory() as uow:
        [campaign] = await uow.campaigns.open_campaigns()
        return campaign.id


async def report(uow_factory: Factory, clock: ManualClock, kind: ReportKind) -> tuple[str, bytes]:
    async with uow_factory() as uow:
        [campaign] = await uow.campaigns.open_campaigns()
    return await exports.report_of(
        uow=uow_factory(), clock=clock, campaign=campaign, tz=SHANGHAI, kind=kind
    )


async def test_the_sample_rounds_report_reads_back_as_its_41_problems_and_152_measures(
    uow_factory: Factory, clock: ManualClock
) -> None:
    campaign_id = await putuo(uow_factory, clock)
    name, data = await report(uow_factory, clock, ReportKind.PROGRESS)
    assert name == "普陀区巡视整改进展情况报告_20261130.docx"
    async with uow_factory() as uow:
        views = await uow.tasks.views_for_campaign(campaign_id)
    found = read_back(data)
    assert len(found) == 41
    assert sum(n for *_, n in found) == 152
    assert found == expected(views)
    body = text_of(data)
    assert "关于普陀区巡视整改进展情况的报告" in body
    assert "反馈的41项问题已完成整改0项，整改措施152条已完成0条。" in body


async def test_a_round_with_closed_problems_extensions_and_a_send_back_still_reads_back(
    uow_factory: Factory, clock: ManualClock
) -> None:
    campaign_id = await putuo(uow_factory, clock)
    async with uow_factory() as uow:
        views = await uow.tasks.views_for_campaign(campaign_id)
        first_problem = [v for v in views if v.problem_id == views[0].problem_id]
        for view in first_problem:  # the first problem is fully rectified
            await uow.tasks.set_progress(view.id, percent=100, status=TaskStatus.CLOSED,
                                         last_update_at=clock.now())  # fmt: skip
            await uow.tasks.set_closed_at(view.id, clock.now() - timedelta(days=3))
        late = views[-1]  # the last measure: sent back at 40%, then granted more time
        await uow.tasks.set_progress(late.id, percent=40, status=TaskStatus.IN_PROGRESS,
                                     last_update_at=clock.now())  # fmt: skip
        extension = await uow.extensions.add(
            task_id=late.id, person_id=late.owner_id, reason="资金下达滞后", old_due=late.due_on,
            requested_due=date(2027, 3, 31), now=clock.now(),
        )  # fmt: skip
        await uow.extensions.decide(extension, outcome="approved", decided_by=late.owner_id,
                                    new_due=date(2027, 3, 31), note=None, now=clock.now())  # fmt: skip
        await uow.commit()
        views = await uow.tasks.views_for_campaign(campaign_id)
    _, data = await report(uow_factory, clock, ReportKind.FINAL)
    assert read_back(data) == expected(views)
    body = text_of(data)
    assert "关于普陀区巡视整改情况的报告" in body
    closed = len(first_problem)
    assert f"反馈的41项问题已完成整改1项，整改措施152条已完成{closed}条。" in body
    assert "已完成整改并销号，2026年11月27日完成" in body
    assert "因资金下达滞后已批准延期至2027年3月31日" in body
    assert f"截至2026年11月30日，41项问题中有40项尚未完成整改，涉及整改措施{152 - closed}条" in body
