"""The pacer forgets chats whose next slot has passed, so its memory stays flat."""

from __future__ import annotations

from scheduler.pacing import PRUNE_AT, Limits, Pacer


async def test_a_fanout_to_many_chats_does_not_leave_a_record_per_chat() -> None:
    pacer = Pacer(Limits(per_second=0, private_interval=0.0, group_interval=0.0))
    for chat_id in range(1, 20 * PRUNE_AT):
        await pacer.acquire(chat_id)
    assert len(pacer._next_chat) < 2 * PRUNE_AT


async def test_a_chat_still_waiting_for_its_slot_is_remembered() -> None:
    pacer = Pacer(Limits(per_second=0, private_interval=3600.0, group_interval=3600.0))
    await pacer.acquire(42)  # its next slot is an hour away
    for chat_id in range(1000, 1000 + 2 * PRUNE_AT):
        pacer._next_chat[chat_id] = 0.0  # long past
    await pacer.acquire(7)  # prunes: 42 stays, the stale ones go
    assert 42 in pacer._next_chat
    assert len(pacer._next_chat) == 2
