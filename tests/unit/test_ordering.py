"""Chats are handled at once, each chat's updates in the order they came."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.ordering import ChatOrderedProcessor, chat_key


def update(update_id: int, chat_id: int) -> Update:
    user = User(id=chat_id, first_name="x", is_bot=False)
    chat = Chat(id=chat_id, type="private")
    message = Message(message_id=update_id, date=None, chat=chat, from_user=user, text="t")  # type: ignore[arg-type]
    return Update(update_id=update_id, message=message)


async def test_a_second_chat_is_handled_while_the_first_waits_and_a_chat_keeps_its_order() -> None:
    processor = ChatOrderedProcessor()
    log: list[str] = []
    release_first = asyncio.Event()

    async def handle(name: str, gate: asyncio.Event | None = None) -> None:
        log.append(f"{name} start")
        if gate is not None:
            await gate.wait()
        log.append(f"{name} end")

    async with processor:
        a1 = asyncio.create_task(
            processor.process_update(update(1, 10), handle("a1", release_first))
        )
        a2 = asyncio.create_task(processor.process_update(update(2, 10), handle("a2")))
        b1 = asyncio.create_task(processor.process_update(update(3, 20), handle("b1")))
        await asyncio.wait_for(
            b1, 5
        )  # chat 20 is answered while chat 10's first update is still running
        assert log == ["a1 start", "b1 start", "b1 end"]
        release_first.set()
        await asyncio.gather(a1, a2)
    assert log[3:] == ["a1 end", "a2 start", "a2 end"]  # chat 10's second came after its first


async def test_many_updates_of_one_chat_run_strictly_in_arrival_order() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=4)  # most of them wait for a slot
    seen: list[int] = []

    async def handle(i: int) -> None:
        await asyncio.sleep(0)  # yield, so an out-of-order start would show
        seen.append(i)

    async with processor:
        await asyncio.gather(
            *(
                asyncio.create_task(processor.process_update(update(i, 10 + i % 2), handle(i)))
                for i in range(40)
            )
        )
    assert [i for i in seen if i % 2 == 0] == list(range(0, 40, 2))
    assert [i for i in seen if i % 2 == 1] == list(range(1, 40, 2))


def test_an_update_without_chat_or_user_shares_one_key() -> None:
    assert chat_key(Update(update_id=5)) == 0
    assert chat_key(update(6, 42)) == 42
