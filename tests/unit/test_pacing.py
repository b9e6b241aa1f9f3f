"""The pacer keeps the overall rate, and forgets chats whose next slot has passed (flat memory)."""

from __future__ import annotations

import asyncio

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


async def test_the_overall_rate_spaces_sends_even_to_chats_never_written_before() -> None:
    pacer = Pacer(Limits(per_second=50.0, private_interval=0.0, group_interval=0.0))
    loop = asyncio.get_running_loop()
    started = loop.time()
    for chat_id in range(1, 11):
        await pacer.acquire(chat_id)
    # Ten slots at 50 a second: the tenth starts 9/50 s after the first (less a millisecond:
    # the loop may wake a sleeper as much as its clock's resolution early).
    assert loop.time() - started >= 9 / 50 - 0.001
