"""People the bot cannot reach (blocked it, deleted the account) and their return."""

from __future__ import annotations

from domain.model import Outgoing, Role
from domain.ports import Clock, UnitOfWork
from domain.rhythm.policy import Kind
from domain.texts import text


async def mark_unreachable(
    *, uow: UnitOfWork, clock: Clock, person_id: int, reason: str, default_language: str
) -> int:
    """Flag the person unreachable and tell the coordinators once; return notices queued."""
    async with uow:
        now = clock.now()
        if not await uow.people.set_reachable(person_id, False, now):
            return 0  # already known: the coordinators were told when it happened
        person = await uow.people.get(person_id)
        assert person is not None
        await uow.audit.record(
            at=now,
            actor_id=None,
            actor_label="delivery",
            action="person.unreachable",
            entity="person",
            entity_id=person_id,
            data={"reason": reason},
        )
        episode = now.strftime("%Y%m%dT%H%M%S")
        queued = 0
        for coordinator in await uow.people.with_role(Role.COORDINATOR):
            if coordinator.telegram_user_id is None or not coordinator.reachable:
                continue
            lang = coordinator.language or default_language
            body = text(
                "unreachable.notice", lang, person=person.name, unit=person.unit_name or "—"
            )
            queued += await uow.outbox.add(
                Outgoing(
                    key=f"{Kind.UNREACHABLE.value}|{person_id}@{episode}|p{coordinator.id}",
                    kind=Kind.UNREACHABLE,
                    period=f"{person_id}@{episode}",
                    chat_id=coordinator.telegram_user_id,
                    parts=[body],
                    person_id=coordinator.id,
                ),
                now=now,
                file_id=None,
            )
        await uow.commit()
        return queued


async def mark_reachable(*, uow: UnitOfWork, clock: Clock, telegram_user_id: int) -> bool:
    """Flag the person behind this account reachable again (after /start or an unblock)."""
    async with uow:
        person = await uow.people.by_telegram_id(telegram_user_id)
        if person is None:
            return False
        now = clock.now()
        changed = await uow.people.set_reachable(person.id, True, now)
        if changed:
            await uow.audit.record(
                at=now,
                actor_id=person.id,
                action="person.reachable",
                entity="person",
                entity_id=person.id,
            )
            await uow.commit()
        return changed


async def account_blocked(
    *, uow: UnitOfWork, clock: Clock, telegram_user_id: int, default_language: str
) -> int:
    """Handle a block of the bot by a bound account; return the notices queued."""
    async with uow:
        person = await uow.people.by_telegram_id(telegram_user_id)
    if person is None:
        return 0
    return await mark_unreachable(
        uow=uow,
        clock=clock,
        person_id=person.id,
        reason="blocked the bot",
        default_language=default_language,
    )
