"""The quarterly summary (季总结) at the end of two quarters, on a real database."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from docx import Document
from sqlalchemy import select

from bot.clock import ManualClock
from domain.rhythm import reminders
from domain.rhythm.milestones import Change, Milestone, MilestoneCommand, round_calendar
from domain.rhythm.quarterly import quarterly_docx
from domain.rhythm.reminders import Audience, Renderers, TickResult
from domain.work import reporting
from domain.work.reporting import IncomingMessage
from storage.tables import OutboxFileRow, OutboxRow
from tests.conftest import SHANGHAI
from tests.integration.test_rhythm_tick import (
    CALENDAR,
    LIGHTS,
    POLICY,
    Factory,
    _person,
    setup,
    task_id,
)

WITH_DOCS = Renderers(quarterly_doc=quarterly_docx)


async def tick_with_docs(uow_factory: Factory, clock: ManualClock) -> TickResult:
    return await reminders.tick(
        uow=uow_factory(),
        clock=clock,
        policy=POLICY,
        lights=LIGHTS,
        audience=Audience(),
        render=WITH_DOCS,
    )


async def quarterly_rows(uow_factory: Factory) -> list[tuple[str, str, list[str], bytes | None]]:
    async with uow_factory() as uow:
        session = uow.outbox.session  # type: ignore[attr-defined]
        rows = await session.execute(
            select(OutboxRow.key, OutboxRow.period, OutboxRow.parts, OutboxFileRow.data)
            .outerjoin(OutboxFileRow, OutboxFileRow.id == OutboxRow.file_id)
            .where(OutboxRow.kind == "quarterly")
            .order_by(OutboxRow.id)
        )
        return [tuple(r) for r in rows]


async def at(uow_factory: Factory, clock: ManualClock, moment: datetime) -> TickResult:
    clock.set(moment - timedelta(minutes=40))
    await tick_with_docs(uow_factory, clock)
    clock.set(moment)
    return await tick_with_docs(uow_factory, clock)


async def test_the_quarter_ends_with_a_summary_and_the_next_compares_with_it(
    uow_factory: Factory,
) -> None:
    clock = ManualClock(datetime(2026, 3, 31, 15, 0, tzinfo=SHANGHAI))
    ids = await setup(uow_factory, clock)
    gao = await _person(uow_factory, ids["高飞"])
    await round_calendar(
        uow=uow_factory(),
        clock=clock,
        person=gao,
        rules=POLICY.milestones,
        work=CALENDAR,
        tz=SHANGHAI,
        command=MilestoneCommand(Change.FEEDBACK, day=date(2026, 1, 5)),
    )
    # 王建国's measure 1.1 was escalated twice this quarter (recorded by the weekly run).
    first = await task_id(uow_factory, ids["王建国"], "1.1")
    async with uow_factory() as uow:
        for day in (date(2026, 3, 6), date(2026, 3, 13)):
            await uow.audit.record(
                at=datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI),
                actor_id=None,
                action="task.escalated",
                entity="task",
                entity_id=first,
            )
        await uow.commit()

    result = await at(uow_factory, clock, datetime(2026, 3, 31, 16, 40, tzinfo=SHANGHAI))
    assert ("quarterly", "2026-Q1") in {(r.kind.value, r.period) for r in result.done}
    rows = await quarterly_rows(uow_factory)
    readers = sorted(key.rsplit("|p", 1)[1] for key, period, _p, _d in rows if "#doc" not in period)
    assert readers == sorted(str(ids[n]) for n in ("高飞", "孙振邦"))
    body = next(parts[0] for key, _p, parts, _d in rows if key.endswith(f"p{ids['高飞']}"))
    assert "整改工作季度总结（2026年第一季度）" in body
    assert "这是本轮整改的第一份季度总结" in body
    assert "⚠️ 整改方案：2026-01-19 到期，逾期 71 天未报送" in body
    assert "本季度约谈提醒事项</b>：1 条" in body
    assert "<b>1.1</b> 区发展改革委 王建国：措施一（进度0%），提醒2次" in body
    doc = next(data for _k, period, _p, data in rows if "#doc" in period)
    assert doc is not None
    paragraphs = [p.text for p in Document(io.BytesIO(doc)).paragraphs]
    assert "关于春节整改工作2026年第一季度情况的总结" in paragraphs
    assert "二、各单位整改情况" in paragraphs
    assert any(
        "（约谈提醒）1.【1.1】措施一（区发展改革委，王建国，提醒2次" in p for p in paragraphs
    )

    # In the second quarter 李晓燕 finishes 1.2 and the plan is recorded as submitted.
    clock.set(datetime(2026, 5, 12, 10, 0, tzinfo=SHANGHAI))
    li = await _person(uow_factory, ids["李晓燕"])
    await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=li,
        message=IncomingMessage(chat_id=1002, message_id=9, text="进度60%"),
        merge_seconds=60,
    )
    await round_calendar(
        uow=uow_factory(),
        clock=clock,
        person=gao,
        rules=POLICY.milestones,
        work=CALENDAR,
        tz=SHANGHAI,
        command=MilestoneCommand(Change.SUBMITTED, Milestone.PLAN, date(2026, 4, 20)),
    )
    await at(uow_factory, clock, datetime(2026, 6, 30, 16, 40, tzinfo=SHANGHAI))
    rows = await quarterly_rows(uow_factory)
    second = next(
        parts[0]
        for key, period, parts, _d in rows
        if period.startswith("2026-Q2") and "#doc" not in period and key.endswith(f"p{ids['高飞']}")
    )
    assert "整改工作季度总结（2026年第二季度）" in second
    assert "本季度新完成整改措施0条、问题0个；逾期措施由上季度末的1条变为1条。" in second
    assert "✅ 整改方案：已于 2026-04-20 报送（逾期 91 天）" in second
    assert "本季度约谈提醒事项</b>：0 条" in second
