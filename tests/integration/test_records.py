"""Task records on a real database: history, the ledger round trip, the dossier in parts."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import docx
import pytest
from sqlalchemy import update

from bot.clock import ManualClock
from domain.errors import NotFound
from domain.intake import importing
from domain.intake.workbook import read_workbook
from domain.lights import LightPolicy
from domain.model import Attachment, Person, Role, TaskStatus, TaskView, Workbook
from domain.ports import UnitOfWork
from domain.records.dossier import build_dossier
from domain.records.history import TaskHistory, history_lines, load_history
from domain.records.ledger import export_ledger
from domain.work import reporting
from domain.work.reporting import IncomingMessage
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.tables import TaskRow
from storage.uow import SqlUnitOfWork
from tests.conftest import PUTUO_XLSX, SHANGHAI
from tests.integration.test_services import seed

Factory = Callable[[], UnitOfWork]
POLICY = LightPolicy(tz=SHANGHAI)
_message_ids = iter(range(1000, 100_000))


async def history_of(uow: UnitOfWork, task_id: int) -> TaskHistory:
    async with uow:
        return await load_history(uow, task_id)


async def person(uow_factory: Factory, name: str) -> Person:
    async with uow_factory() as uow:
        found = await uow.people.by_name(name)
    assert found is not None
    return found


async def task_id(uow_factory: Factory, number: str, campaign: str = "第一轮") -> int:
    async with uow_factory() as uow:
        found = await uow.campaigns.by_name(campaign)
        assert found is not None
        tid = await uow.tasks.id_by_number(found.id, number)
    assert tid is not None
    return tid


async def views(uow_factory: Factory, campaign: str) -> list[TaskView]:
    async with uow_factory() as uow:
        found = await uow.campaigns.by_name(campaign)
        assert found is not None
        return await uow.tasks.views_for_campaign(found.id)


def stored(folder: Path, name: str, data: bytes) -> Attachment:
    """An evidence file as the fetcher leaves it: on disk, hashed."""
    path = folder / name
    path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    return Attachment(f"id-{name}", f"u-{name}", name, None, len(data), digest, str(path))


async def report(
    uow_factory: Factory,
    clock: ManualClock,
    who: Person,
    task: int,
    words: str,
    attachment: Attachment | None = None,
) -> int:
    """Report on a task the way a reply to the bot's message about it does; return the report id."""
    anchor = next(_message_ids)
    await reporting.link_message(
        uow=uow_factory(), clock=clock, chat_id=who.id, message_id=anchor, task_id=task
    )
    outcome = await reporting.receive_message(
        uow=uow_factory(),
        clock=clock,
        person=who,
        message=IncomingMessage(
            chat_id=who.id,
            message_id=next(_message_ids),
            text=words,
            reply_to_message_id=anchor,
            attachment=attachment,
        ),
        merge_seconds=0,
    )
    assert outcome.task is not None
    assert outcome.task.id == task
    return outcome.report.id


async def set_closed(database_url: str, task: int, at: datetime) -> None:
    """Sign a task off in the table (the sign-off service is not part of these records)."""
    engine = make_engine(database_url)
    try:
        async with make_session_factory(engine)() as session:
            await session.execute(
                update(TaskRow)
                .where(TaskRow.id == task)
                .values(status=TaskStatus.CLOSED.value, percent=100, closed_at=at)
            )
            await session.commit()
    finally:
        await engine.dispose()


# ---------------------------------------------------------------- history


async def test_history_merges_reports_evidence_and_the_audit_trail_in_time_order(
    uow_factory: Factory, clock: ManualClock, tmp_path: Path
) -> None:
    await seed(uow_factory, clock)
    official = await person(uow_factory, "李晓燕")
    task = await task_id(uow_factory, "2.1")
    clock.advance(timedelta(hours=1))
    plan = stored(tmp_path, "方案.pdf", b"%PDF plan")
    first = await report(uow_factory, clock, official, task, "方案已起草，进度30%", plan)
    clock.advance(timedelta(hours=1))
    second = await report(uow_factory, clock, official, task, "进度60%")
    clock.advance(timedelta(hours=1))
    await reporting.withdraw_report(
        uow=uow_factory(), clock=clock, person=official, report_id=second
    )
    clock.advance(timedelta(hours=1))
    await reporting.set_report_percent(
        uow=uow_factory(), clock=clock, person=official, report_id=first, percent=40
    )
    clock.advance(timedelta(hours=1))
    await reporting.request_signoff(uow=uow_factory(), clock=clock, person=official, task_id=task)

    history = await history_of(uow_factory(), task)

    assert (history.task.number, history.campaign) == ("2.1", "第一轮")
    assert [(r.n, r.percent, r.withdrawn_at is not None) for r in history.reports] == [
        (1, 40, False),
        (2, 60, True),
    ]
    [evidence] = history.evidence
    assert (evidence.name, evidence.size, evidence.author) == ("方案.pdf", 9, "李晓燕")
    assert evidence.sha256 == hashlib.sha256(b"%PDF plan").hexdigest()
    assert evidence.stored_path == plan.stored_path
    assert [e.action for e in history.entries] == [
        "task.created",
        "report",
        "evidence",
        "report",
        "report.withdrawn",
        "report.percent_corrected",
        "task.signoff_requested",
    ]
    assert [e.at for e in history.entries] == sorted(e.at for e in history.entries)
    lines = history_lines(history, "zh", SHANGHAI)
    assert lines == [
        "2026-11-30 10:00 系统：任务建立（导入整改任务清单）",
        "2026-11-30 11:00 李晓燕：报送进展 #1（进度 40%）：“方案已起草，进度30%”",
        "2026-11-30 11:00 李晓燕：提交佐证材料“方案.pdf”（9 B）",
        "2026-11-30 12:00 李晓燕：报送进展 #2（进度 60%）：“进度60%”（已撤回）",
        "2026-11-30 13:00 李晓燕：撤回进展 #2",
        "2026-11-30 14:00 李晓燕：将进展 #1 的进度更正为 40%",
        "2026-11-30 15:00 李晓燕：申请销号",
    ]
    english = history_lines(history, "en", SHANGHAI)
    assert english[3] == "2026-11-30 12:00 李晓燕: Progress report #2 (60%): “进度60%” (withdrawn)"


async def test_history_of_an_unknown_task_is_not_found(uow_factory: Factory) -> None:
    with pytest.raises(NotFound):
        await history_of(uow_factory(), 999)


async def test_history_includes_review_reassignment_and_extension_events(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    task = await task_id(uow_factory, "1.1")
    coordinator = await person(uow_factory, "高飞")
    official = await person(uow_factory, "王建国")
    at = clock.now()
    async with uow_factory() as uow:
        extension = await uow.extensions.add(
            task_id=task,
            person_id=official.id,
            reason="需等待市级批复",
            old_due=None,
            requested_due=datetime(2027, 3, 31).date(),
            now=at,
        )
        events: list[tuple[int, str, str, int, dict[str, object]]] = [
            (1, "extension.requested", "extension", extension,
             {"task_id": task, "requested_due": "2027-03-31", "reason": "需等待市级批复"}),
            (2, "extension.approved", "extension", extension,
             {"task_id": task, "new_due": "2027-03-31", "note": ""}),
            (3, "task.reassigned", "task", task, {"from": "王建国", "to": "李晓燕"}),
            (4, "task.sent_back", "task", task, {"reason": "佐证材料<不全>"}),
            (5, "task.signed_off", "task", task, {}),
        ]  # fmt: skip
        for minutes, action, entity, entity_id, data in events:
            await uow.audit.record(
                at=at + timedelta(minutes=minutes),
                actor_id=official.id if action == "extension.requested" else coordinator.id,
                action=action,
                entity=entity,
                entity_id=entity_id,
                data=data,
            )
        await uow.audit.record(  # another task's event stays out
            at=at, actor_id=None, action="task.signed_off", entity="task", entity_id=task + 1
        )
        await uow.commit()
    history = await history_of(uow_factory(), task)
    assert history_lines(history, "zh", SHANGHAI)[1:] == [
        "2026-11-30 10:01 王建国：申请延期至 2027-03-31，理由：需等待市级批复",
        "2026-11-30 10:02 高飞：同意延期，整改时限调整为 2027-03-31",
        "2026-11-30 10:03 高飞：责任人由 王建国 调整为 李晓燕",
        "2026-11-30 10:04 高飞：退回重新整改，理由：佐证材料&lt;不全&gt;",
        "2026-11-30 10:05 高飞：审核通过，予以销号",
    ]


async def test_history_shows_events_it_has_no_words_for_plainly(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    task = await task_id(uow_factory, "1.1")
    async with uow_factory() as uow:
        await uow.audit.record(
            at=clock.now() + timedelta(minutes=5),
            actor_id=None,
            actor_label="rhythm",
            action="task.escalated",
            entity="task",
            entity_id=task,
            data={"period": "2026-W49", "periods": 2, "recipients": [1]},
        )
        await uow.audit.record(
            at=clock.now() + timedelta(minutes=6),
            actor_id=None,
            actor_label="cli",
            action="task.something_new",
            entity="task",
            entity_id=task,
            data={"reason": "<测试>", "task_id": task},
        )
        await uow.audit.record(  # a known action missing a field it names
            at=clock.now() + timedelta(minutes=7),
            actor_id=None,
            action="task.sent_back",
            entity="task",
            entity_id=task,
        )
        await uow.commit()
    history = await history_of(uow_factory(), task)
    assert history_lines(history, "zh", SHANGHAI)[1:] == [
        "2026-11-30 10:05 系统（定时提醒）：连续 2 个调度周期亮红灯，已发约谈提醒（2026-W49）",
        "2026-11-30 10:06 系统管理员（命令行）：task.something_new（reason: &lt;测试&gt;）",
        "2026-11-30 10:07 系统：task.sent_back",
    ]


# ---------------------------------------------------------------- ledger


async def test_the_exported_ledger_reimports_without_changing_any_task(
    uow_factory: Factory, clock: ManualClock, putuo_bytes: bytes, database_url: str
) -> None:
    original = read_workbook(putuo_bytes, allow_admin=True)
    await importing.import_workbook(
        uow=uow_factory(), clock=clock, workbook=original, campaign_name="普陀"
    )
    before = await views(uow_factory, "普陀")
    first, second, third = before[0], before[5], before[20]
    clock.advance(timedelta(days=1))
    owner = await person(uow_factory, first.owner_name)
    await report(uow_factory, clock, owner, first.id, "已召开专题会议，进度50%")
    owner = await person(uow_factory, second.owner_name)
    await report(uow_factory, clock, owner, second.id, "已全部完成")
    await reporting.request_signoff(uow=uow_factory(), clock=clock, person=owner, task_id=second.id)
    await set_closed(database_url, third.id, datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    before = await views(uow_factory, "普陀")
    campaign_id = before[0].campaign_id

    data = await export_ledger(
        uow=uow_factory(), clock=clock, campaign_id=campaign_id, policy=POLICY, lang="zh"
    )
    ledger = read_workbook(data, allow_admin=False)
    summary = await importing.import_workbook(
        uow=uow_factory(), clock=clock, workbook=ledger, campaign_name="普陀"
    )

    assert [replace(t, row=0) for t in ledger.tasks] == [replace(t, row=0) for t in original.tasks]
    assert (summary.tasks_added, summary.tasks_updated, summary.people_added) == (0, 152, 0)
    assert summary.problems == 41
    after = await views(uow_factory, "普陀")
    assert after == before
    assert (after[0].percent, after[0].status) == (50, TaskStatus.IN_PROGRESS)
    assert after[5].status == TaskStatus.PENDING_REVIEW
    assert after[20].closed_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def test_the_ledger_shows_progress_light_and_sign_off_date(
    uow_factory: Factory, clock: ManualClock, database_url: str
) -> None:
    import openpyxl

    await seed(uow_factory, clock)
    official = await person(uow_factory, "李晓燕")
    task = await task_id(uow_factory, "2.1")
    clock.advance(timedelta(hours=2))
    await report(uow_factory, clock, official, task, "进度70%")
    await set_closed(database_url, await task_id(uow_factory, "1.2"), clock.now())
    campaign_id = (await views(uow_factory, "第一轮"))[0].campaign_id
    data = await export_ledger(
        uow=uow_factory(), clock=clock, campaign_id=campaign_id, policy=POLICY, lang="zh"
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = {r[0]: r for r in book["整改任务"].iter_rows(min_row=2, values_only=True)}
    # After the template's columns (the 10th, 配合单位, is empty here) come the progress ones.
    assert rows["2.1"][9] is None
    assert rows["2.1"][10:15] == ("整改中", 70, "绿灯", "进度70%", datetime(2026, 11, 30, 12, 0))
    assert rows["1.2"][10:13] == ("已销号", 100, "绿灯")
    assert rows["1.2"][15] == datetime(2026, 11, 30)
    summary = [r[0] for r in book["汇总"].iter_rows(values_only=True)]
    assert "反馈的2项问题已完成整改0项，整改措施3条已完成1条。" in summary


async def test_exporting_an_unknown_campaign_is_not_found(
    uow_factory: Factory, clock: ManualClock
) -> None:
    with pytest.raises(NotFound):
        await export_ledger(
            uow=uow_factory(), clock=clock, campaign_id=42, policy=POLICY, lang="zh"
        )


# ---------------------------------------------------------------- dossier


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def test_the_dossier_splits_into_parts_under_the_limit_with_every_file_once(
    uow_factory: Factory, clock: ManualClock, tmp_path: Path
) -> None:
    await seed(uow_factory, clock)
    official = await person(uow_factory, "李晓燕")
    task = await task_id(uow_factory, "2.1")
    photos = [stored(tmp_path, f"photo{i}.jpg", bytes([i]) * 30_000) for i in range(3)]
    for index, photo in enumerate(photos):
        clock.advance(timedelta(minutes=10))
        await report(uow_factory, clock, official, task, f"第{index + 1}批照片", photo)
    huge = stored(tmp_path, "录像.mp4", b"v" * 300_000)
    missing = replace(  # recorded as stored, but the copy is gone from the disk
        huge, file_unique_id="u-gone", file_name="gone.pdf", stored_path=str(tmp_path / "gone")
    )
    unfetched = replace(huge, file_unique_id="u-big", stored_path=None, file_name="超大.zip")
    for attachment in (huge, missing, unfetched):
        clock.advance(timedelta(minutes=10))
        await report(uow_factory, clock, official, task, "补充材料", attachment)
    campaign_id = (await views(uow_factory, "第一轮"))[0].campaign_id
    limit = 150_000

    dossier = await build_dossier(
        uow=uow_factory(),
        clock=clock,
        campaign_id=campaign_id,
        unit="区发展改革委",
        lang="zh",
        tz=SHANGHAI,
        part_limit=limit,
    )
    parts = list(dossier)

    assert len(parts) >= 2
    assert [p.name for p in parts] == dossier.names
    assert [p.name for p in parts] == [
        f"一事一档-第一轮-区发展改革委-{i}of{len(parts)}.zip" for i in range(1, len(parts) + 1)
    ]
    assert all(len(p.data) <= limit for p in parts)
    contents: dict[str, bytes] = {}
    for part in parts:
        with zipfile.ZipFile(io.BytesIO(part.data)) as archive:
            assert archive.testzip() is None
            for name in archive.namelist():
                assert name not in contents  # every file in exactly one part
                contents[name] = archive.read(name)
    assert sorted(contents) == [
        "1.1/1.1-整改档案.docx",
        "1.2/1.2-整改档案.docx",
        "2.1/01_photo0.jpg",
        "2.1/02_photo1.jpg",
        "2.1/03_photo2.jpg",
        "2.1/2.1-整改档案.docx",
    ]
    assert contents["2.1/02_photo1.jpg"] == bytes([1]) * 30_000
    document = docx_text(contents["2.1/2.1-整改档案.docx"])
    assert "一事一档：任务 2.1" in document
    assert "2.1/03_photo2.jpg" in document
    assert str(photos[2].sha256) in document
    assert "录像.mp4" in document
    assert "未收入压缩包" in document  # bigger than a part
    assert "gone.pdf" in document
    assert "超大.zip" in document
    assert document.count("未存档（") == 2  # deleted from disk, never downloaded
    assert "报送进展 #1：“第1批照片”" in document
    assert "第3批照片" in document


async def test_a_small_dossier_is_one_zip_without_a_part_number(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    task = await task_id(uow_factory, "1.1")
    campaign_id = (await views(uow_factory, "第一轮"))[0].campaign_id
    dossier = await build_dossier(
        uow=uow_factory(),
        clock=clock,
        campaign_id=campaign_id,
        task_ids=[task],
        lang="en",
        tz=SHANGHAI,
    )
    [part] = list(dossier)
    assert part.name == "dossier-第一轮-1.1.zip"
    with zipfile.ZipFile(io.BytesIO(part.data)) as archive:
        assert archive.namelist() == ["1.1/1.1-history.docx"]
        document = docx_text(archive.read("1.1/1.1-history.docx"))
    assert "Task dossier: 1.1" in document
    assert "No progress reports yet." in document


async def test_a_dossier_of_an_unknown_unit_or_task_is_not_found(
    uow_factory: Factory, clock: ManualClock
) -> None:
    await seed(uow_factory, clock)
    campaign_id = (await views(uow_factory, "第一轮"))[0].campaign_id
    for scope in ({"unit": "不存在的单位"}, {"task_ids": [999]}):
        with pytest.raises(NotFound):
            await build_dossier(
                uow=uow_factory(),
                clock=clock,
                campaign_id=campaign_id,
                lang="zh",
                tz=SHANGHAI,
                **scope,
            )


async def test_the_ledger_imported_into_an_empty_bot_restores_every_person_and_role(
    uow_factory: Callable[[], UnitOfWork], clock: ManualClock, tmp_path: Path
) -> None:
    sample = read_workbook(PUTUO_XLSX.read_bytes(), allow_admin=True)
    await importing.import_workbook(uow=uow_factory(), clock=clock, workbook=sample,
                                    campaign_name="普陀区巡视整改")  # fmt: skip
    async with uow_factory() as uow:
        [campaign] = await uow.campaigns.open_campaigns()
    ledger = await export_ledger(uow=uow_factory(), clock=clock, campaign_id=campaign.id,
                                 policy=LightPolicy(tz=SHANGHAI), lang="zh")  # fmt: skip

    def people(book: Workbook) -> set[tuple[str, str | None, frozenset[Role]]]:
        return {(p.name, p.unit, p.roles - {Role.ADMIN}) for p in book.people}

    exported = read_workbook(ledger, allow_admin=False)  # as a coordinator would send it
    assert len(exported.people) == len(sample.people) == 55
    assert people(exported) == people(sample)

    empty = f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    await upgrade(empty)
    engine = make_engine(empty)
    try:
        factory = make_session_factory(engine)
        await importing.import_workbook(uow=SqlUnitOfWork(factory), clock=clock,
                                        workbook=exported, campaign_name="普陀区巡视整改")  # fmt: skip
        async with SqlUnitOfWork(factory) as uow:
            restored = {(p.name, p.unit_name, p.roles) for p in await uow.people.active()}
            [round_] = await uow.campaigns.open_campaigns()
            tasks = await uow.tasks.views_for_campaign(round_.id)
    finally:
        await engine.dispose()
    assert restored == people(sample)
    assert len(tasks) == 152
