"""Questions the bot asks with ForceReply (a reason, a date): the reply answers the question."""

from __future__ import annotations

from domain.model import Person, Prompt, PromptKind
from domain.ports import Clock, UnitOfWork


async def remember_prompt(
    *,
    uow: UnitOfWork,
    clock: Clock,
    person: Person,
    chat_id: int,
    message_id: int,
    kind: PromptKind,
    target_id: int,
) -> None:
    """Keep the question so the reply to it is routed to `kind`, not taken as a report."""
    async with uow:
        await uow.prompts.add(
            chat_id=chat_id,
            message_id=message_id,
            person_id=person.id,
            kind=kind,
            target_id=target_id,
            now=clock.now(),
        )
        await uow.commit()


async def prompt_for_reply(
    *, uow: UnitOfWork, person: Person, chat_id: int, message_id: int
) -> Prompt | None:
    """Return the person's question that a reply answers, if the replied message is one."""
    async with uow:
        prompt = await uow.prompts.for_message(chat_id, message_id)
    if prompt is None or prompt.person_id != person.id:
        return None
    return prompt


async def mark_answered(*, uow: UnitOfWork, clock: Clock, prompt_id: int) -> bool:
    """Mark a question answered; False when it already was."""
    async with uow:
        done = await uow.prompts.answer(prompt_id, clock.now())
        await uow.commit()
        return done
