"""Telegram's flood limits, 403 kinds, group migration and slow answers, via a real ``Bot``."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from collections.abc import AsyncIterator, Awaitable

import httpx
import pytest
import pytest_asyncio
from telegram import Bot, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TimedOut

from simulator import BotApiSimulator, RateLimits, SimUser

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter.retry_after is read as an int; opt in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    async with BotApiSimulator(token=TOKEN) as simulator:
        yield simulator


@pytest_asyncio.fixture
async def bot(sim: BotApiSimulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=sim.base_url, base_file_url=sim.base_file_url) as client:
        yield client


@pytest.fixture
def alice(sim: BotApiSimulator) -> SimUser:
    return sim.user(first_name="Alice")


async def at_once(*calls: Awaitable[Message]) -> list[Message | BaseException]:
    """Run the calls concurrently, so they reach the server within milliseconds."""
    return await asyncio.gather(*calls, return_exceptions=True)


def retry_afters(results: list[Message | BaseException]) -> list[float]:
    """Return the retry_after seconds of each RetryAfter among ``results``."""
    found: list[float] = []
    for result in results:
        if isinstance(result, RetryAfter):
            assert isinstance(result.retry_after, dt.timedelta)
            found.append(result.retry_after.total_seconds())
        else:
            assert isinstance(result, Message), result
    return found


# -- rate limits ------------------------------------------------------------------------------


async def test_a_burst_beyond_a_private_chats_allowance_gets_retry_after(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    # One message every 2 s with a burst of 3: the 4th must wait 2 s after the 3rd's slot.
    sim.limits = RateLimits(private_per_second=0.5, burst=3)
    results = await at_once(*(bot.send_message(alice.id, f"m{n}") for n in range(6)))
    assert retry_afters(results) == [2, 2, 2]
    assert len(alice.inbox) == 3
    assert sim.rate_limited == [("sendMessage", alice.id, 2)] * 3


async def test_the_429_answer_has_telegrams_shape(sim: BotApiSimulator, alice: SimUser) -> None:
    sim.limits = RateLimits(private_per_second=0.25, burst=1)
    url = f"{sim.base_url}{TOKEN}/sendMessage"
    async with httpx.AsyncClient() as client:
        first = await client.post(url, json={"chat_id": alice.id, "text": "one"})
        second = await client.post(url, json={"chat_id": alice.id, "text": "two"})
    assert first.status_code == 200
    assert second.status_code == 429
    assert second.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 4",
        "parameters": {"retry_after": 4},
    }


async def test_a_chat_accepts_again_once_its_bucket_frees_up(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    sim.limits = RateLimits(private_per_second=5, burst=1)
    results = await at_once(*(bot.send_message(alice.id, f"m{n}") for n in range(10)))
    # Whole seconds are Telegram's granularity, so a 200 ms wait is announced as 1 s.
    assert set(retry_afters(results)) == {1}
    accepted = len(alice.inbox)
    await asyncio.sleep(1 / 5 + 0.01)
    await bot.send_message(alice.id, "after the wait")
    assert len(alice.inbox) == accepted + 1


async def test_a_sender_pacing_itself_by_the_limits_gets_no_429(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    rate = 20.0
    sim.limits = RateLimits(global_per_second=math.inf, private_per_second=rate)
    # Overrun the burst allowance first, so the paced sends start on an empty bucket.
    overrun = await at_once(*(bot.send_message(alice.id, f"burst {n}") for n in range(40)))
    assert retry_afters(overrun)
    refused = len(sim.rate_limited)
    for n in range(15):
        await asyncio.sleep(1 / rate)
        await bot.send_message(alice.id, f"paced {n}")
    assert len(sim.rate_limited) == refused
    accepted = [record.accepted_at for record in alice.inbox]
    assert len(accepted) == 40 - refused + 15
    assert accepted == sorted(accepted)
    assert accepted[0] > 0


async def test_a_group_takes_twenty_at_once_then_one_every_three_seconds(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    sim.limits = RateLimits()
    group = sim.group(members=[alice])
    results = await at_once(*(bot.send_message(group.id, f"m{n}") for n in range(22)))
    assert retry_afters(results) == [3, 3]
    assert len(group.inbox) == 20
    assert sim.rate_limited == [("sendMessage", group.id, 3)] * 2
    # A private chat has its own bucket: the group's flood does not spill over.
    await bot.send_message(alice.id, "still fine")


async def test_the_overall_limit_spans_all_chats(bot: Bot, sim: BotApiSimulator) -> None:
    sim.limits = RateLimits(global_per_second=2, private_per_second=math.inf, burst=3)
    users = [sim.user(first_name=f"U{n}") for n in range(8)]
    results = await at_once(*(bot.send_message(user.id, "broadcast") for user in users))
    assert retry_afters(results) == [1] * 5
    assert len(sim.sent) == 3


async def test_edits_count_but_reads_and_callback_answers_do_not(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    sim.limits = RateLimits(private_per_second=0.5, burst=2)
    sent = await bot.send_message(alice.id, "v1")
    await bot.edit_message_text("v2", chat_id=alice.id, message_id=sent.message_id)
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("v3", chat_id=alice.id, message_id=sent.message_id)
    query_id = await alice.press(alice.inbox[0], data="any")
    await bot.answer_callback_query(query_id)
    await bot.get_updates()
    await bot.send_chat_action(alice.id, "typing")
    assert [method for method, _, _ in sim.rate_limited] == ["editMessageText"]
    assert alice.inbox[0].text == "v2"


async def test_refused_calls_cost_no_token(bot: Bot, sim: BotApiSimulator, alice: SimUser) -> None:
    sim.limits = RateLimits(private_per_second=0.5, burst=2)
    for _ in range(3):
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(alice.id, "<b>broken", parse_mode="HTML")
    await bot.send_message(alice.id, "one")
    await bot.send_message(alice.id, "two")
    assert [record.text for record in alice.inbox] == ["one", "two"]


async def test_without_limits_nothing_is_rate_limited(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    assert sim.limits is None
    results = await at_once(*(bot.send_message(alice.id, f"m{n}") for n in range(60)))
    assert retry_afters(results) == []
    assert len(alice.inbox) == 60
    assert sim.rate_limited == []


# -- forbidden, migrated, slow ----------------------------------------------------------------


async def test_a_deactivated_user_is_forbidden_and_cannot_post(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    alice.deactivate()
    with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
        await bot.send_message(alice.id, "hi")
    with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
        await bot.send_document(alice.id, b"x", filename="a.txt")
    with pytest.raises(ValueError, match="deleted their account"):
        await alice.send("hello?")
    assert alice.inbox == []
    assert sim.pending_updates == []


async def test_a_migrated_group_redirects_the_bot_to_the_supergroup(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    group = sim.group(title="整改小组", members=[alice])
    old_id = group.id
    await bot.send_message(old_id, "before")
    new_id = group.migrate_to_supergroup(by=alice)
    assert str(new_id).startswith("-100")
    assert group.id == new_id

    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(old_id, "lost")
    assert raised.value.new_chat_id == new_id
    await bot.send_message(new_id, "after")
    assert [record.text for record in group.inbox] == ["before", "after"]

    moved, arrived = await bot.get_updates()
    assert moved.message is not None
    assert (moved.message.chat.id, moved.message.migrate_to_chat_id) == (old_id, new_id)
    assert arrived.message is not None
    assert (arrived.message.chat.id, arrived.message.chat.type) == (new_id, "supergroup")
    assert arrived.message.migrate_from_chat_id == old_id
    await alice.send("在新群里", chat=group)
    posted = (await bot.get_updates(offset=arrived.update_id + 1))[0].message
    assert posted is not None
    assert posted.chat.id == new_id
    with pytest.raises(ValueError, match="only a basic group"):
        group.migrate_to_supergroup()


async def test_a_slow_answer_still_delivers_so_a_retry_sends_twice(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    sim.faults.add("sendMessage", delay=0.3)
    with pytest.raises(TimedOut):
        await bot.send_message(alice.id, "report", read_timeout=0.05)
    await bot.send_message(alice.id, "report")  # the client's retry
    await sim.wait_until(lambda: len(alice.inbox) == 2, timeout=2.0)
    assert [record.text for record in alice.inbox] == ["report", "report"]


async def test_forwarded_and_copied_messages_are_recorded(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    bob = sim.user(first_name="Bob")
    uploaded = await alice.send_document(b"%PDF", file_name="r.pdf", caption="原件")
    forwarded = await bot.forward_message(bob.id, alice.id, uploaded.message_id)
    assert forwarded.forward_origin is not None
    assert forwarded.document is not None
    assert forwarded.document.file_name == "r.pdf"
    await bot.copy_message(bob.id, alice.id, uploaded.message_id, caption="副本")
    first, second = bob.inbox
    assert (first.method, first.caption) == ("forwardMessage", "原件")
    assert (second.method, second.caption) == ("copyMessage", "副本")
    assert second.document is not None
    assert second.document.data == b"%PDF"
    with pytest.raises(BadRequest, match=r"(?i)message to forward not found"):
        await bot.forward_message(bob.id, alice.id, 999)


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ([[("x", f"d{i}")] for i in range(101)], "BUTTONS_TOO_MUCH"),
        ([[(str(i), f"d{i}") for i in range(9)]], "BUTTONS_TOO_WIDE"),
        ([[("长" * 60, f"{i:060d}")] for i in range(100)], "reply markup is too long"),
    ],
)
async def test_keyboards_beyond_telegrams_limits_are_refused(
    bot: Bot, alice: SimUser, rows: list[list[tuple[str, str]]], error: str
) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows]
    )
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.send_message(alice.id, "选择", reply_markup=markup)
    assert alice.inbox == []
