"""Drive the Bot API simulator with a real PTB ``Bot`` over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import struct
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    Update,
)
from telegram.constants import MessageEntityType
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from simulator import BotApiSimulator, SimUser

TOKEN = "123456:TEST-TOKEN"
# PTB strips Telegram's "Bad Request: " prefix and capitalizes the rest, so error matches
# below are case-insensitive ("(?i)").


def png(width: int = 640, height: int = 480, payload: bytes = b"pixels") -> bytes:
    """Build bytes that start like a PNG of the given size (enough for size sniffing)."""
    ihdr = struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x02\0\0\0"
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\0\0\0\0" + payload


class Poller:
    """Fetch updates like PTB's updater does, confirming each batch with the next offset."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.offset = 0

    async def updates(self, wait: int = 1) -> tuple[Update, ...]:
        """Return the next batch of updates, long-polling up to ``wait`` seconds."""
        found = await self.bot.get_updates(offset=self.offset, timeout=wait)
        if found:
            self.offset = found[-1].update_id + 1
        return found

    async def one(self) -> Update:
        """Return the single next update."""
        found = await self.updates()
        assert len(found) == 1, found
        return found[0]

    async def message(self) -> Message:
        """Return the message of the single next update."""
        message = (await self.one()).message
        assert message is not None
        return message


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    async with BotApiSimulator(token=TOKEN, bot_username="rectibot_test_bot") as simulator:
        yield simulator


@pytest_asyncio.fixture
async def bot(sim: BotApiSimulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=sim.base_url, base_file_url=sim.base_file_url) as client:
        yield client


@pytest.fixture
def poller(bot: Bot) -> Poller:
    return Poller(bot)


@pytest.fixture
def alice(sim: BotApiSimulator) -> SimUser:
    return sim.user(first_name="王", last_name="建国", username="wangjg", language_code="zh-hans")


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in buttons]
    )


# -- basics -----------------------------------------------------------------------------------


async def test_get_me_describes_the_simulated_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "rectibot_test_bot", True)


async def test_a_wrong_token_is_rejected_as_invalid(sim: BotApiSimulator) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("999:WRONG", base_url=sim.base_url):
            pass


async def test_an_unknown_method_is_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")


async def test_json_and_urlencoded_bodies_are_accepted(
    sim: BotApiSimulator, alice: SimUser
) -> None:
    url = f"{sim.base_url}{TOKEN}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    async with httpx.AsyncClient() as client:
        as_json = await client.post(
            url, json={"chat_id": alice.id, "text": "json", "reply_markup": markup}
        )
        as_form = await client.post(url, data={"chat_id": str(alice.id), "text": "form"})
    assert as_json.json()["result"]["reply_markup"] == markup
    assert as_form.json()["ok"] is True
    assert [rec.text for rec in alice.inbox] == ["json", "form"]
    assert alice.inbox[0].all_callback_data() == ["go"]


# -- what users send --------------------------------------------------------------------------


async def test_user_text_arrives_as_a_message_update(poller: Poller, alice: SimUser) -> None:
    await alice.send("你好")
    message = await poller.message()
    assert message.text == "你好"
    assert message.chat.id == alice.id == message.chat_id
    assert message.from_user is not None
    assert (message.from_user.username, message.from_user.language_code) == ("wangjg", "zh-hans")


async def test_a_command_carries_a_bot_command_entity(poller: Poller, alice: SimUser) -> None:
    await alice.command("start", "CODE123")
    await alice.send("/help")
    start, help_ = (update.message for update in await poller.updates())
    assert start is not None
    assert help_ is not None
    assert start.text == "/start CODE123"
    assert start.entities[0].type == MessageEntityType.BOT_COMMAND
    assert (start.entities[0].offset, start.entities[0].length) == (0, len("/start"))
    assert help_.entities[0].length == len("/help")


async def test_a_user_reply_quotes_the_bot_message(
    bot: Bot, poller: Poller, alice: SimUser
) -> None:
    await bot.send_message(alice.id, "进度多少？")
    asked = await alice.next_message()
    await alice.reply(to=asked, text="80%")
    message = await poller.message()
    assert message.reply_to_message is not None
    assert message.reply_to_message.message_id == asked.message_id
    assert message.reply_to_message.text == "进度多少？"


async def test_user_photo_can_be_downloaded_by_the_bot(
    bot: Bot, poller: Poller, alice: SimUser
) -> None:
    data = png(1280, 960)
    await alice.send_photo(data, caption="现场照片")
    message = await poller.message()
    assert message.caption == "现场照片"
    assert len(message.photo) == 2
    assert (message.photo[-1].width, message.photo[-1].height) == (1280, 960)
    telegram_file = await bot.get_file(message.photo[-1].file_id)
    assert telegram_file.file_path is not None
    assert telegram_file.file_path.endswith(".jpg")
    buffer = io.BytesIO()
    await telegram_file.download_to_memory(buffer)
    assert buffer.getvalue() == data


async def test_user_document_arrives_with_name_and_mime(poller: Poller, alice: SimUser) -> None:
    await alice.send_document(b"%PDF-1.7", file_name="整改报告.pdf", caption="报告")
    message = await poller.message()
    assert message.document is not None
    assert message.document.file_name == "整改报告.pdf"
    assert message.document.mime_type == "application/pdf"
    assert message.document.file_size == 8


async def test_album_photos_share_a_media_group_id(poller: Poller, alice: SimUser) -> None:
    sent = await alice.send_album([png(), png(), png()], caption="三张")
    messages = [update.message for update in await poller.updates()]
    group_ids = {m.media_group_id for m in messages if m is not None}
    assert len(messages) == 3
    assert group_ids == {sent[0].media_group_id}
    assert [m.caption for m in messages if m is not None] == ["三张", None, None]


async def test_a_user_edit_arrives_as_edited_message(poller: Poller, alice: SimUser) -> None:
    original = await alice.send("50%")
    await alice.edit(original, "60%")
    first, second = await poller.updates()
    assert first.message is not None
    assert first.message.text == "50%"
    assert second.edited_message is not None
    assert second.edited_message.message_id == original.message_id
    assert second.edited_message.text == "60%"
    assert second.edited_message.edit_date is not None


async def test_group_posts_come_from_the_group_chat(
    bot: Bot, sim: BotApiSimulator, poller: Poller, alice: SimUser
) -> None:
    group = sim.group(title="领导小组", members=[alice])
    outsider = sim.user(first_name="Eve")
    await alice.send("大家好", chat=group)
    message = await poller.message()
    assert (message.chat.id, message.chat.type, message.chat.title) == (
        group.id,
        "group",
        "领导小组",
    )
    assert group.id < 0
    await bot.send_message(group.id, "收到")
    assert (await group.next_message()).text == "收到"
    assert alice.inbox == []
    with pytest.raises(ValueError, match="not a member"):
        await outsider.send("hi", chat=group)


# -- buttons ----------------------------------------------------------------------------------


async def test_pressing_a_button_delivers_its_data_and_records_the_answer(
    bot: Bot, poller: Poller, alice: SimUser
) -> None:
    markup = keyboard(("确认提交", "confirm:7"), ("取消", "cancel:7"))
    await bot.send_message(
        alice.id, "<b>提交</b> 本周进度？", parse_mode="HTML", reply_markup=markup
    )
    record = await alice.next_message()
    assert (record.text, record.html) == ("提交 本周进度？", "<b>提交</b> 本周进度？")
    assert record.button_texts() == ["确认提交", "取消"]
    query_id = await alice.press(record, text="确认")
    query = (await poller.one()).callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (query_id, "confirm:7", alice.id)
    assert isinstance(query.message, Message)
    assert query.message.text == "提交 本周进度？"
    await bot.answer_callback_query(query_id, text="已提交")
    answer = await alice.wait_callback_answer(query_id, timeout=1.0)
    assert answer.text == "已提交"
    assert alice.callback_answers == [answer]
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query(query_id)


async def test_pressing_an_unknown_button_lists_the_available_ones(
    bot: Bot, alice: SimUser
) -> None:
    await bot.send_message(alice.id, "选择", reply_markup=keyboard(("是", "y"), ("否", "n")))
    record = await alice.next_message()
    with pytest.raises(LookupError, match=r"available: \['是', '否'\]"):
        await alice.press(record, text="也许")


async def test_explicit_callback_data_can_be_forged(
    bot: Bot, poller: Poller, alice: SimUser
) -> None:
    await bot.send_message(alice.id, "选择", reply_markup=keyboard(("是", "y")))
    await alice.press(await alice.next_message(), data="admin:delete-all")
    query = (await poller.one()).callback_query
    assert query is not None
    assert query.data == "admin:delete-all"


async def test_callback_data_over_64_bytes_is_refused(bot: Bot, alice: SimUser) -> None:
    for data in ("x" * 65, "整" * 22):  # 22 CJK characters are 66 UTF-8 bytes
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(alice.id, "hi", reply_markup=keyboard(("b", data)))
    await bot.send_message(alice.id, "hi", reply_markup=keyboard(("b", "x" * 64)))


# -- what the bot sends -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    ["<b>unclosed", "a < b", "<foo>x</foo>", "R&D", "<b><i>x</b></i>", "&nbsp;", "<span>x</span>"],
)
async def test_malformed_html_is_refused(bot: Bot, alice: SimUser, markup: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(alice.id, markup, parse_mode="HTML")
    assert alice.inbox == []


async def test_valid_html_becomes_plain_text_with_entities(bot: Bot, alice: SimUser) -> None:
    html = (
        '<a href="https://x.cn/?a=1&amp;b=2">链接</a> &lt;3 &quot;&#65;&quot;\n'
        '<pre><code class="language-python">print(1)</code></pre><tg-spoiler>秘</tg-spoiler>'
    )
    message = await bot.send_message(alice.id, html, parse_mode="HTML")
    assert message.text == '链接 <3 "A"\nprint(1)秘'
    link, pre, spoiler = message.entities
    assert (link.type, link.url, link.offset, link.length) == (
        "text_link",
        "https://x.cn/?a=1&b=2",
        0,
        2,
    )
    assert (pre.type, pre.language) == ("pre", "python")
    assert spoiler.type == "spoiler"
    assert alice.inbox[0].html == html


async def test_text_length_is_measured_after_markup(bot: Bot, alice: SimUser) -> None:
    await bot.send_message(alice.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(alice.id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(alice.id, "  \n ")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(alice.id, b"x", filename="a.txt", caption="c" * 1025)


async def test_bot_document_bytes_are_kept_on_the_record(bot: Bot, alice: SimUser) -> None:
    await bot.send_document(alice.id, b"PK\x03\x04xlsx", filename="台账.xlsx", caption="本周台账")
    record = await alice.next_message()
    assert record.document is not None
    assert (record.document.file_name, record.document.data) == ("台账.xlsx", b"PK\x03\x04xlsx")
    assert (record.method, record.caption) == ("sendDocument", "本周台账")


async def test_bot_can_resend_a_user_file_by_file_id(
    bot: Bot, poller: Poller, alice: SimUser
) -> None:
    uploaded = await alice.send_document(b"evidence", file_name="e.pdf")
    assert uploaded.file_id is not None
    await bot.send_document(alice.id, uploaded.file_id)
    record = await alice.next_message()
    assert record.document is not None
    assert (record.document.file_name, record.document.data) == ("e.pdf", b"evidence")
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(alice.id, "no-such-file-id")


async def test_bot_media_group_records_share_a_group_id(bot: Bot, alice: SimUser) -> None:
    await bot.send_media_group(
        alice.id, [InputMediaPhoto(png()), InputMediaPhoto(png(), caption="二")]
    )
    first, second = await alice.messages_when_idle()
    assert first.media_group_id is not None
    assert first.media_group_id == second.media_group_id
    assert (first.photo, second.caption) == (png(), "二")


async def test_file_above_the_download_limit_is_refused(
    bot: Bot, poller: Poller, alice: SimUser
) -> None:
    await alice.send_document_of_size(25 * 1024 * 1024, file_name="扫描件.pdf")
    message = await poller.message()
    assert message.document is not None
    assert message.document.file_size == 25 * 1024 * 1024
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(message.document.file_id)


async def test_bot_edit_updates_the_record_in_place(bot: Bot, alice: SimUser) -> None:
    sent = await bot.send_message(alice.id, "待确认", reply_markup=keyboard(("确认", "ok")))
    record = await alice.next_message()
    edited = await bot.edit_message_text("已确认", chat_id=alice.id, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.edit_date is not None
    # Like Telegram, an edit without reply_markup drops the inline keyboard.
    assert (record.text, record.edits, record.buttons) == ("已确认", ["待确认"], [])
    assert alice.inbox == [record]


async def test_editing_without_changes_or_a_missing_message_is_refused(
    bot: Bot, alice: SimUser
) -> None:
    sent = await bot.send_message(alice.id, "同样", reply_markup=keyboard(("a", "a")))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "同样", chat_id=alice.id, message_id=sent.message_id, reply_markup=keyboard(("a", "a"))
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=9999)
    await bot.delete_message(alice.id, sent.message_id)
    assert alice.inbox[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=sent.message_id)


async def test_replying_to_a_missing_message_is_refused_unless_allowed(
    bot: Bot, alice: SimUser
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(alice.id, "hi", reply_to_message_id=404)
    message = await bot.send_message(
        alice.id, "hi", reply_to_message_id=404, allow_sending_without_reply=True
    )
    assert message.reply_to_message is None


async def test_unknown_chat_and_blocked_user_are_refused(
    bot: Bot, sim: BotApiSimulator, poller: Poller, alice: SimUser
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "hi")
    alice.block_bot()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(alice.id, "hi")
    update = await poller.one()
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    alice.unblock_bot()
    await bot.send_message(alice.id, "welcome back")
    assert [rec.text for rec in alice.inbox] == ["welcome back"]
    assert [method for method, _, _ in sim.errors] == ["sendMessage", "sendMessage"]


async def test_commands_are_recorded_per_scope_and_language(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    await bot.set_my_commands([BotCommand("start", "开始")])
    await bot.set_my_commands([BotCommand("report", "周报")], language_code="zh")
    scope = BotCommandScopeChat(alice.id)
    await bot.set_my_commands([BotCommand("admin", "管理")], scope=scope)
    assert sim.commands == {
        ("default",): [("start", "开始")],
        ("default", "zh"): [("report", "周报")],
        ("chat", alice.id): [("admin", "管理")],
    }
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["admin"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


# -- faults and timing ------------------------------------------------------------------------


async def test_a_429_fault_raises_retry_after(
    bot: Bot, sim: BotApiSimulator, alice: SimUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    sim.faults.add("sendMessage", error_code=429, retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(alice.id, "hi")
    assert raised.value.retry_after == dt.timedelta(seconds=7)
    await bot.send_message(alice.id, "hi")  # the rule fired once and is gone
    assert len(alice.inbox) == 1


async def test_a_500_fault_hits_only_its_chat(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    bob = sim.user(first_name="Bob")
    sim.faults.add(chat_id=alice.id, times=2)
    await bot.send_message(bob.id, "fine")
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
            await bot.send_chat_action(alice.id, "typing")
    await bot.send_chat_action(alice.id, "typing")
    assert sim.faults.rules == []


async def test_a_slow_fault_times_out_the_client_but_still_delivers(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    sim.faults.add("sendMessage", delay=0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(alice.id, "slow", read_timeout=0.1)
    assert (await alice.next_message(timeout=2.0)).text == "slow"


async def test_long_poll_returns_promptly_when_an_update_arrives(bot: Bot, alice: SimUser) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await alice.send("wake up")
    updates = await asyncio.wait_for(poll, timeout=2.0)
    assert [u.message.text for u in updates if u.message] == ["wake up"]
    assert loop.time() - started < 1.0


async def test_confirmed_updates_are_not_delivered_again(bot: Bot, alice: SimUser) -> None:
    await alice.send("one")
    await alice.send("two")
    first = await bot.get_updates()
    assert len(first) == 2
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [u.update_id for u in rest] == [first[1].update_id]
    assert await bot.get_updates(offset=first[1].update_id + 1) == ()


async def test_next_message_timeout_explains_what_was_sent(
    bot: Bot, sim: BotApiSimulator, alice: SimUser
) -> None:
    await bot.send_message(alice.id, "第一条")
    await alice.next_message()
    await alice.send("pending")
    with pytest.raises(TimeoutError, match="nothing new") as raised:
        await alice.next_message(timeout=0.2)
    assert "第一条" in str(raised.value)
    assert "1 update(s) not yet confirmed" in str(raised.value)
    assert sim.calls_to("sendMessage")[0]["text"] == "第一条"


async def test_messages_until_idle_waits_for_the_watched_bot_however_slow_it_is(
    sim: BotApiSimulator, bot: Bot, poller: Poller, alice: SimUser
) -> None:
    handled = asyncio.Event()
    sim.watch_bot(handled.wait)

    async def slow_bot() -> None:
        await poller.one()  # takes the update; the next poll confirms it
        for text in ("a", "b", "c"):
            await bot.send_message(alice.id, text)
            await asyncio.sleep(0.4)  # longer than any silence a test used to wait for
        await poller.updates(wait=0)
        handled.set()

    task = asyncio.create_task(slow_bot())
    await alice.send("hi")
    records = await alice.messages_until_idle()
    await task
    assert [rec.text for rec in records] == ["a", "b", "c"]
    assert await alice.messages_when_idle() == []


async def test_messages_when_idle_waits_for_updates_the_bot_has_not_taken(
    sim: BotApiSimulator, alice: SimUser
) -> None:
    await alice.send("nobody polls")
    with pytest.raises(TimeoutError, match="still busy"):
        await alice.messages_when_idle(timeout=0.2)


async def test_messages_until_idle_says_when_the_bot_sent_nothing(
    sim: BotApiSimulator, alice: SimUser
) -> None:
    with pytest.raises(TimeoutError, match="nothing new"):
        await alice.messages_until_idle(timeout=0.2)


async def test_get_chat_returns_full_info(bot: Bot, alice: SimUser) -> None:
    chat = await bot.get_chat(alice.id)
    assert (chat.id, chat.type, chat.username) == (alice.id, "private", "wangjg")


async def test_a_second_poller_ends_the_first_with_409(bot: Bot, sim: BotApiSimulator) -> None:
    async with Bot(TOKEN, base_url=sim.base_url) as other:
        waiting = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)  # the first long poll is waiting on the server
        second = asyncio.create_task(other.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await waiting
        assert await second == ()


async def test_get_updates_is_refused_while_a_webhook_is_set(bot: Bot) -> None:
    await bot.set_webhook("https://example.org/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_a_webhook_is_refused_where_telegram_refuses_it(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await bot.set_webhook("http://example.org/hook")
    with pytest.raises(BadRequest, match=r"(?i)only on ports 80, 88, 443 or 8443"):
        await bot.set_webhook("https://example.org:8080/hook")
    with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
        await bot.set_webhook("https://example.org/hook", secret_token="has spaces")
    assert await bot.set_webhook("https://example.org:8443/hook", secret_token="ok_Token-1")
    assert (await bot.get_webhook_info()).url == "https://example.org:8443/hook"


async def test_a_webhook_gets_each_update_posted_with_its_secret_until_it_answers_2xx() -> None:
    from aiohttp import web

    received: list[tuple[str | None, int]] = []
    answers = [500, 200, 200]  # the first attempt fails: the same update comes again

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), update["update_id"])
        )
        return web.Response(status=answers.pop(0))

    server = web.Application()
    server.router.add_post("/hook", hook)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with BotApiSimulator(token=TOKEN, local_api=True) as sim:
            async with Bot(TOKEN, base_url=sim.base_url) as bot:
                await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="abc")
            alice = sim.user(first_name="Alice")
            await alice.send("one")
            await alice.send("two")
            await sim.wait_until(lambda: not sim.state.updates, timeout=10)
    finally:
        await runner.cleanup()
    assert received == [("abc", 1), ("abc", 1), ("abc", 2)]
    assert sim.webhook.answers == [500, 200, 200]
