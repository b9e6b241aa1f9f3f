"""The 整改—审核—销号 loop: sign-off requests reach coordinators, who sign off or send back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.delivery.outbox import Buttons, queue_to
from domain.errors import InvalidState, NotFound, OwnTask, PermissionDenied
from domain.model import EvidenceRecord, Notice, OutgoingFile, Person, Role, TaskView
from domain.ports import Clock, UnitOfWork
from domain.rhythm.digest import recipients_language
from domain.texts import excerpt, text
from domain.work import task_status

ReviewButtons = Callable[[int, str], Buttons]  # (task id, language) -> Sign off / Send back


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """A decided review: the task as it now stands and whether its problem is now rectified."""

    task: TaskView
    problem_rectified: bool


def may_sign_off(person: Person) -> bool:
    """Only coordinators review (not admins or leaders by their other roles alone)."""
    return person.has(Role.COORDINATOR) and person.active


def may_review(person: Person, task: TaskView, report_authors: Iterable[int]) -> bool:
    """Whether the person may sign this task off or send it back: a coordinator who neither
    owns it nor reported on it (a reassignment in between included)."""
    return (
        may_sign_off(person)
        and task.owner_id != person.id
        and all(author != person.id for author in report_authors)
    )


async def enqueue_signoff_notice(
    uow: UnitOfWork,
    *,
    task: TaskView,
    requester: Person,
    now: datetime,
    buttons: ReviewButtons,
    default_lang: str,
) -> int:
    """Queue the request, its latest report and evidence, with buttons, to every coordinator."""
    evidence = await uow.reports.evidence_for_task(task.id)
    reviewers = [
        p
        for p in await uow.people.with_role(Role.COORDINATOR)
        if p.active and p.id != task.owner_id and p.telegram_user_id is not None
    ]
    latest = await _latest_evidence(uow, evidence, now)
    campaign = await uow.campaigns.get(task.campaign_id)
    for reviewer in reviewers:
        lang = recipients_language(reviewer, default_lang)
        body = text(
            "report.signoff_notice",
            lang,
            campaign=campaign.name if campaign else "—",
            owner=requester.name,
            unit=task.unit_name,
            number=task.number,
            measure=excerpt(task.measure),
            last=excerpt(task.last_update_text or "—", 600),
        )
        if evidence:
            names = "、".join(e.file_name for e in evidence[-5:])
            body += "\n" + text(
                "review.evidence", lang, count=len(evidence), names=names, number=task.number
            )
        await queue_to(
            uow,
            reviewer,
            key=f"review|{task.id}|{now.isoformat()}|p{reviewer.id}",
            kind=Notice.REVIEW,
            body=body,
            now=now,
            tasks=[task],
            buttons=buttons(task.id, lang),
            file_id=latest,
        )
    return len(reviewers)


async def _latest_evidence(
    uow: UnitOfWork, evidence: Sequence[EvidenceRecord], now: datetime
) -> int | None:
    """Attach the newest evidence file by Telegram's id, so reviewers see it in the chat."""
    latest = next((e for e in reversed(evidence) if e.telegram_file_id), None)
    if latest is None:
        return None
    photo = (latest.mime_type or "").startswith("image/") and latest.file_name.startswith("photo_")
    return await uow.outbox.add_file(
        OutgoingFile(
            name=latest.file_name,
            kind="photo" if photo else "document",
            data=b"",
            remote_id=latest.telegram_file_id,
        ),
        now=now,
    )


async def check_reviewable(*, uow: UnitOfWork, reviewer: Person, task_id: int) -> TaskView:
    """Return the task if this person may review it now; raise the reason otherwise."""
    async with uow:
        task = await _reviewable(uow, reviewer, task_id)
        task_status.send_back(task_status.state_of(task))  # before the reason is asked
        return task


async def sign_off(
    *, uow: UnitOfWork, clock: Clock, reviewer: Person, task_id: int, default_lang: str
) -> ReviewOutcome:
    """Close the task (销号), tell its official, and say whether its problem is now rectified."""
    async with uow:
        task = await _reviewable(uow, reviewer, task_id)
        state = task_status.state_of(task)
        closed_state = task_status.sign_off(state)
        now = clock.now()
        if not await uow.tasks.change_status(
            task.id,
            expected=state.status,  # of two reviewers pressing at once, only one decides
            status=closed_state.status,
            percent=closed_state.percent,
        ):
            raise InvalidState(status="decided")
        await uow.tasks.set_closed_at(task.id, now)
        await uow.audit.record(
            at=now, actor_id=reviewer.id, action="task.signed_off", entity="task", entity_id=task.id
        )
        closed = await uow.tasks.view(task.id)
        assert closed is not None
        rectified = await uow.tasks.unclosed_in_problem(task.problem_id) == 0
        await _tell_owner(uow, closed, now, "review.signed_off", default_lang, reason="")
        await uow.commit()
        return ReviewOutcome(closed, rectified)


async def send_back(
    *,
    uow: UnitOfWork,
    clock: Clock,
    reviewer: Person,
    task_id: int,
    reason: str,
    default_lang: str,
) -> ReviewOutcome:
    """Return the task to in progress with the reviewer's reason, and tell its official."""
    reason = reason.strip()
    if not reason:
        raise InvalidState(status="pending_review")
    async with uow:
        task = await _reviewable(uow, reviewer, task_id)
        asked_at = await _percent_before_request(uow, task)
        state = task_status.state_of(task, percent_before_request=asked_at)
        back_state = task_status.send_back(state)
        now = clock.now()
        if not await uow.tasks.change_status(
            task.id,
            expected=state.status,  # of two reviewers pressing at once, only one decides
            status=back_state.status,
            percent=back_state.percent,
        ):
            raise InvalidState(status="decided")
        await uow.tasks.mark_review_requested(task.id, None)
        await uow.audit.record(
            at=now,
            actor_id=reviewer.id,
            action="task.sent_back",
            entity="task",
            entity_id=task.id,
            data={"reason": reason[:2000]},
        )
        back = await uow.tasks.view(task.id)
        assert back is not None
        await _tell_owner(uow, back, now, "review.sent_back", default_lang, reason=reason[:2000])
        await uow.commit()
        return ReviewOutcome(back, False)


async def _percent_before_request(uow: UnitOfWork, task: TaskView) -> int | None:
    """The percent the official had reported before asking, as the request's audit keeps it."""
    events = await uow.audit.for_entity("task", [task.id])
    asked = [e for e in events if e.action == "task.signoff_requested"]
    before = asked[-1].data.get("previous_percent") if asked else None
    return before if isinstance(before, int) else None


async def _reviewable(uow: UnitOfWork, reviewer: Person, task_id: int) -> TaskView:
    if not may_sign_off(reviewer):
        raise PermissionDenied()
    task = await uow.tasks.view(task_id)
    if task is None:
        raise NotFound()
    reports = await uow.reports.for_task(task.id)
    if not may_review(reviewer, task, (r.author_id for r in reports)):
        raise OwnTask()  # whatever other roles they hold
    return task


async def _tell_owner(
    uow: UnitOfWork, task: TaskView, now: datetime, key: str, default_lang: str, *, reason: str
) -> None:
    owner = await uow.people.get(task.owner_id)
    if owner is None or owner.telegram_user_id is None or not owner.active:
        return
    lang = recipients_language(owner, default_lang)
    body = text(key, lang, number=task.number, measure=excerpt(task.measure), reason=reason)
    await queue_to(
        uow,
        owner,
        key=f"{key}|{task.id}|{now.isoformat()}|p{owner.id}",
        kind=Notice.REVIEW,
        body=body,
        now=now,
        tasks=[task],
    )
