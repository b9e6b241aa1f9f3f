"""In-memory records of the simulated Telegram world: chats, messages, files, updates."""

from __future__ import annotations

import asyncio
import copy
import itertools
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as the bot sent it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class SentFile:
    """A file the bot sent (uploaded bytes, or the stored bytes of a re-sent file_id)."""

    file_name: str | None
    mime_type: str | None
    data: bytes
    file_id: str


@dataclass
class SentMessage:
    """A message the bot sent; edits and deletions update it in place.

    ``accepted_at`` is the simulator's ``time.monotonic()`` when the call was accepted, so a
    test can measure the rate a bot achieved.
    """

    chat_id: int
    message_id: int
    method: str
    date: int
    text: str = ""
    html: str | None = None
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    keyboard: list[list[str]] = field(default_factory=list)
    reply_to_message_id: int | None = None
    document: SentFile | None = None
    photo: bytes | None = None
    caption: str | None = None
    media_group_id: str | None = None
    edits: list[str] = field(default_factory=list)
    deleted: bool = False
    accepted_at: float = 0.0

    def button_texts(self) -> list[str]:
        """Return the inline button texts, row by row."""
        return [button.text for row in self.buttons for button in row]

    def all_callback_data(self) -> list[str]:
        """Return the callback_data of every inline button that has one."""
        return [b.callback_data for row in self.buttons for b in row if b.callback_data]

    def summary(self) -> str:
        """Describe the message in one line for failure messages."""
        body = self.text or (self.caption or "") or ("<document>" if self.document else "<photo>")
        flags = " [deleted]" if self.deleted else ""
        buttons = f" buttons={self.button_texts()}" if self.buttons else ""
        return f"#{self.message_id} {self.method}{flags}: {body[:120]!r}{buttons}"


@dataclass
class SimMessage:
    """A message a simulated user sent to the bot."""

    chat_id: int
    message_id: int
    from_user_id: int
    update_id: int
    raw: JSON
    text: str | None = None
    caption: str | None = None
    file_id: str | None = None
    media_group_id: str | None = None


@dataclass
class FileRecord:
    """A stored file; ``data`` is None for files that only declare a size."""

    file_id: str
    file_unique_id: str
    file_size: int
    file_path: str
    data: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def content(self) -> bytes:
        """Return the bytes, synthesising zeros for size-only files."""
        return self.data if self.data is not None else bytes(self.file_size)

    def document_json(self) -> JSON:
        """Return the Telegram Document object for this file."""
        doc: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def photo_size_json(self) -> JSON:
        """Return the Telegram PhotoSize object for this file."""
        return {**self.document_json(), "width": self.width, "height": self.height}


@dataclass
class CallbackAnswer:
    """What the bot answered to a callback query."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class ChatRecord:
    """A chat the simulator knows; ``messages`` holds each live message's current JSON.

    ``migrated_to`` is the supergroup a basic group was upgraded to; ``deactivated`` marks a
    private chat whose user deleted their account.
    """

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    members: set[int] = field(default_factory=set)
    blocked: bool = False
    deactivated: bool = False
    migrated_to: int | None = None
    next_message_id: int = 1
    messages: dict[int, JSON] = field(default_factory=dict)

    def to_json(self) -> JSON:
        """Return the Telegram Chat object."""
        chat: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if (value := getattr(self, key)) is not None:
                chat[key] = value
        return chat


def image_size(data: bytes) -> tuple[int, int]:
    """Sniff PNG/JPEG dimensions; fall back to a typical phone photo size."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    pos = 2
    while data[:2] == b"\xff\xd8" and pos + 9 < len(data):
        if data[pos] != 0xFF:
            break
        marker, length = data[pos + 1], int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return 1280, 960


async def _nothing_to_wait_for() -> None:
    """Without a watched bot (tests of the simulator itself) there is nothing to wait for."""


class Pulse:
    """Wake every waiter whenever the world changes; usable from sync code."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake all current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], within: float) -> bool:
        """Wait until ``predicate()`` holds; return False if ``within`` seconds pass first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True


class SimState:
    """Everything the simulator remembers, shared by the HTTP side and the test-facing side."""

    def __init__(self, token: str, bot_username: str, download_limit: int) -> None:
        self.token = token
        self.download_limit = download_limit
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Rectibot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.users: dict[int, JSON] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.files: dict[str, FileRecord] = {}
        self.updates: list[JSON] = []
        self.sent: list[SentMessage] = []
        self.calls: list[tuple[str, JSON]] = []
        self.errors: list[tuple[str, JSON, str]] = []
        self.commands: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.webhook: JSON | None = None
        # A self-hosted Bot API server (--local) accepts http:// webhooks on any port.
        self.local_api = False
        self.allowed_updates: list[str] = []
        self.callback_queries: dict[str, int] = {}  # unanswered query id -> user id
        self.callback_answers: dict[int, list[CallbackAnswer]] = {}
        self.rate_limited: list[tuple[str, int | None, int]] = []
        self.pulse = Pulse()
        # Set by the test harness (BotApiSimulator.watch_bot): returns once the bot has handled
        # every update it received. The simulator cannot see that from the wire.
        self.bot_idle: Callable[[], Awaitable[object]] = _nothing_to_wait_for
        self.clock: Callable[[], float] = time.monotonic
        self._sent_index: dict[tuple[int, int], SentMessage] = {}
        # Per-chat lists keep chat views O(their own messages) however much the bot sends.
        self._sent_by_chat: dict[int, list[SentMessage]] = {}
        self._files_by_path: dict[str, FileRecord] = {}
        self._update_ids = itertools.count(1)
        self._file_numbers = itertools.count(1)
        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(1)

    @staticmethod
    def now() -> int:
        """Return the current unix time as Telegram dates are."""
        return int(time.time())

    def new_user_id(self) -> int:
        """Allocate a user id that is not taken yet."""
        while (user_id := next(self._user_ids)) in self.users:
            pass
        return user_id

    def new_group_id(self, supergroup: bool) -> int:
        """Allocate a negative group id (-100… for supergroups, like Telegram)."""
        number = next(self._group_ids)
        return -(1_000_000_000_000 + number) if supergroup else -(4_000_000_000 + number)

    def push_update(self, kind: str, payload: JSON) -> int:
        """Queue an update of ``kind`` (e.g. "message") and return its update_id."""
        update_id = next(self._update_ids)
        # Snapshot: later edits to the stored message must not rewrite queued updates.
        self.updates.append({"update_id": update_id, kind: copy.deepcopy(payload)})
        self.pulse.fire()
        return update_id

    async def wait_settled(self, within: float) -> bool:
        """Wait until every update reached the bot and the bot handled them all.

        Return False if ``within`` seconds pass first.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            if not await self.pulse.wait_for(lambda: not self.updates, deadline - loop.time()):
                return False
            # A confirmed update is already in the bot's queue, so this waits for it too.
            try:
                await asyncio.wait_for(self.bot_idle(), max(deadline - loop.time(), 0))
            except TimeoutError:
                return False
            if not self.updates:
                return True

    def new_message(self, chat: ChatRecord, sender: JSON | None, fields: JSON) -> JSON:
        """Create and store a Message in ``chat`` from ``sender`` (if any) with ``fields``."""
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message: JSON = {"message_id": message_id, "date": self.now(), "chat": chat.to_json()}
        if sender is not None:
            message["from"] = sender
        message.update(fields)
        chat.messages[message_id] = message
        return message

    def quoted(self, chat_id: int, message_id: int) -> JSON | None:
        """Return a stored message as it appears in reply_to_message (no nested reply)."""
        chat = self.chats.get(chat_id)
        stored = chat.messages.get(message_id) if chat else None
        if stored is None:
            return None
        return {k: v for k, v in stored.items() if k != "reply_to_message"}

    def record_sent(self, record: SentMessage) -> None:
        """Remember a message the bot sent and wake waiters."""
        self.sent.append(record)
        self._sent_index[(record.chat_id, record.message_id)] = record
        self._sent_by_chat.setdefault(record.chat_id, []).append(record)
        self.pulse.fire()

    def sent_in(self, chat_id: int) -> list[SentMessage]:
        """Return the bot's messages in one chat, oldest first (the live list: do not mutate)."""
        return self._sent_by_chat.get(chat_id, [])

    def chat_by_username(self, username: str) -> ChatRecord | None:
        """Find a chat by its @username (without the @)."""
        return next((c for c in self.chats.values() if c.username == username), None)

    def sent_record(self, chat_id: int, message_id: int) -> SentMessage | None:
        """Look up the record of a bot message."""
        return self._sent_index.get((chat_id, message_id))

    def add_file(
        self,
        data: bytes | None,
        *,
        kind: str,
        size: int | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> FileRecord:
        """Store a file and give it opaque ids and a file_path like Telegram's."""
        number = next(self._file_numbers)
        if kind == "photos":
            extension = "jpg"
        else:
            extension = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "dat"
        prefix = "AgAC" if kind == "photos" else "BQAC"
        record = FileRecord(
            file_id=prefix + secrets.token_urlsafe(40),
            file_unique_id="AQAD" + secrets.token_urlsafe(10),
            file_size=len(data) if data is not None else (size or 0),
            file_path=f"{kind}/file_{number}.{extension}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[record.file_id] = record
        self._files_by_path[record.file_path] = record
        return record

    def add_photo(self, data: bytes) -> list[FileRecord]:
        """Store a photo as Telegram does: a thumbnail size (if the image is large) and the full."""
        width, height = image_size(data)
        sizes: list[FileRecord] = []
        if max(width, height) > 320:
            scale = 320 / max(width, height)
            thumb = self.add_file(data, kind="photos")
            thumb.width, thumb.height = max(1, round(width * scale)), max(1, round(height * scale))
            sizes.append(thumb)
        full = self.add_file(data, kind="photos")
        full.width, full.height = width, height
        sizes.append(full)
        return sizes

    def file_by_path(self, path: str) -> FileRecord | None:
        """Find a stored file by its file_path."""
        found = self._files_by_path.get(path)
        if found is not None:
            return found
        # Files put into ``files`` directly are not indexed; fall back to a scan for them.
        return next((f for f in self.files.values() if f.file_path == path), None)
