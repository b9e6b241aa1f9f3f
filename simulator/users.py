"""Test-facing handles: simulated users and group chats that talk to the bot."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Sequence

from simulator.html import utf16_len
from simulator.state import (
    JSON,
    Button,
    CallbackAnswer,
    ChatRecord,
    SentMessage,
    SimMessage,
    SimState,
)

Replyable = SentMessage | SimMessage


def _text_fields(text: str) -> JSON:
    """Build a text Message's fields; a leading /command gets its bot_command entity."""
    fields: JSON = {"text": text}
    if text.startswith("/") and len(text) > 1:
        command = text.split(maxsplit=1)[0]
        fields["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
    return fields


class _ChatView:
    """What the bot sent to one chat, read with a cursor like a user scrolling the chat.

    A group upgraded to a supergroup stays one view: ``id`` becomes the supergroup's id and
    the inbox runs on from the old group's messages.
    """

    def __init__(self, state: SimState, chat_id: int) -> None:
        self._state = state
        self._origin = chat_id
        self._cursor = 0

    @property
    def ids(self) -> list[int]:
        """Return the chat's ids, oldest first (more than one after a migration)."""
        ids = [self._origin]
        while (record := self._state.chats.get(ids[-1])) and record.migrated_to is not None:
            ids.append(record.migrated_to)
        return ids

    @property
    def id(self) -> int:
        """Return the chat's current id."""
        return self.ids[-1]

    @property
    def chat(self) -> ChatRecord:
        """Return the chat's (current) record."""
        return self._state.chats[self.id]

    @property
    def inbox(self) -> list[SentMessage]:
        """Return every message the bot sent to this chat, in order."""
        return [record for chat_id in self.ids for record in self._state.sent_in(chat_id)]

    def skip_all(self) -> None:
        """Move the cursor past everything already sent."""
        self._cursor = self._count()

    def _count(self) -> int:
        return sum(len(self._state.sent_in(chat_id)) for chat_id in self.ids)

    def _more_than(self, count: int) -> Callable[[], bool]:
        return lambda: self._count() > count

    # Tests read better with a deadline argument than wrapped in asyncio.timeout().
    async def next_message(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """Return the next message the bot sends here after the cursor."""
        arrived = await self._state.pulse.wait_for(self._more_than(self._cursor), timeout)
        if not arrived:
            raise TimeoutError(self._nothing_new(timeout))
        record = self.inbox[self._cursor]
        self._cursor += 1
        return record

    async def messages_until_idle(self, timeout: float = 5.0) -> list[SentMessage]:  # noqa: ASYNC109
        """Wait for the bot's first message here, then until the bot is idle; return all new."""
        if not await self._state.pulse.wait_for(self._more_than(self._cursor), timeout):
            raise TimeoutError(self._nothing_new(timeout))
        return await self.messages_when_idle(timeout)

    async def messages_when_idle(self, timeout: float = 5.0) -> list[SentMessage]:  # noqa: ASYNC109
        """Wait until the bot has handled every update; return what it sent here since (maybe none).

        Deterministic: "idle" is the bot's own state (see BotApiSimulator.watch_bot), not a
        stretch of silence.
        """
        if not await self._state.wait_settled(timeout):
            raise TimeoutError(f"the bot was still busy after {timeout}s\n{self._nothing_new(0)}")
        records = self.inbox[self._cursor :]
        self._cursor += len(records)
        return records

    def _nothing_new(self, timeout: float) -> str:
        inbox = self.inbox
        lines = [
            f"The bot sent nothing new to chat {self.id} within {timeout}s "
            f"({len(inbox)} message(s) in the chat, {self._cursor} already read)."
        ]
        lines += [f"  sent {record.summary()}" for record in inbox[-5:]]
        ids = {str(chat_id) for chat_id in self.ids}
        errors = [e for e in self._state.errors if str(e[1].get("chat_id")) in ids]
        lines += [f"  API error on {method}: {description}" for method, _, description in errors]
        if pending := len(self._state.updates):
            lines.append(f"  {pending} update(s) not yet confirmed by the bot's getUpdates.")
        return "\n".join(lines)


class SimChat(_ChatView):
    """A simulated group chat the bot is in."""

    @property
    def title(self) -> str:
        """Return the group's title."""
        return self.chat.title or ""

    def add_member(self, user: SimUser) -> None:
        """Let ``user`` post in this group."""
        self.chat.members.add(user.id)

    def migrate_to_supergroup(self, by: SimUser | None = None) -> int:
        """Upgrade this basic group to a supergroup, as Telegram does; return the new id.

        Sends to the old id then fail with 400 and ``migrate_to_chat_id``. The bot gets the
        two service messages Telegram posts: ``migrate_to_chat_id`` in the old group and
        ``migrate_from_chat_id`` in the new supergroup (sent by ``by``, if given).
        """
        old = self.chat
        if old.type != "group":
            raise ValueError(f"only a basic group can be upgraded; chat {old.id} is a {old.type}")
        new_id = self._state.new_group_id(supergroup=True)
        new = ChatRecord(new_id, "supergroup", title=old.title, members=set(old.members))
        self._state.chats[new_id] = new
        old.migrated_to = new_id
        sender = by.json if by is not None else None
        moved = self._state.new_message(old, sender, {"migrate_to_chat_id": new_id})
        self._state.push_update("message", moved)
        arrived = self._state.new_message(new, sender, {"migrate_from_chat_id": old.id})
        self._state.push_update("message", arrived)
        return new_id


class SimUser(_ChatView):
    """A simulated user; their private chat with the bot has the same id as the user."""

    @property
    def json(self) -> JSON:
        """Return the Telegram User object."""
        return self._state.users[self.id]

    @property
    def username(self) -> str | None:
        """Return the @username without the @."""
        username = self.json.get("username")
        return str(username) if username is not None else None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """Return the bot's answers to this user's button presses."""
        return self._state.callback_answers.setdefault(self.id, [])

    # -- sending -------------------------------------------------------------------------

    async def send(
        self, text: str, *, chat: SimChat | None = None, reply_to: Replyable | None = None
    ) -> SimMessage:
        """Send a text message; a leading /command gets a bot_command entity."""
        return await self._post(_text_fields(text), chat, reply_to)

    async def command(
        self, name: str, args: str = "", *, chat: SimChat | None = None
    ) -> SimMessage:
        """Send ``/name args``."""
        return await self.send(f"/{name} {args}".rstrip(), chat=chat)

    async def reply(self, to: Replyable, text: str) -> SimMessage:
        """Reply to a message (usually one the bot sent) in its chat."""
        return await self.send(text, reply_to=to)

    async def send_photo(
        self,
        data: bytes,
        caption: str | None = None,
        reply_to: Replyable | None = None,
        media_group_id: str | None = None,
        *,
        chat: SimChat | None = None,
    ) -> SimMessage:
        """Send a photo; Telegram-like PhotoSize entries are generated from the bytes."""
        sizes = self._state.add_photo(data)
        fields: JSON = {"photo": [size.photo_size_json() for size in sizes]}
        return await self._post(fields, chat, reply_to, caption, media_group_id, sizes[-1].file_id)

    async def send_document(
        self,
        data: bytes,
        file_name: str = "a.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        reply_to: Replyable | None = None,
        media_group_id: str | None = None,
        *,
        chat: SimChat | None = None,
    ) -> SimMessage:
        """Send a document holding ``data``."""
        doc = self._state.add_file(data, kind="documents", file_name=file_name, mime_type=mime_type)
        fields: JSON = {"document": doc.document_json()}
        return await self._post(fields, chat, reply_to, caption, media_group_id, doc.file_id)

    async def send_document_of_size(
        self,
        size: int,
        file_name: str = "big.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        reply_to: Replyable | None = None,
        *,
        chat: SimChat | None = None,
    ) -> SimMessage:
        """Send a document that declares ``size`` bytes without holding them in memory."""
        doc = self._state.add_file(
            None, kind="documents", size=size, file_name=file_name, mime_type=mime_type
        )
        fields: JSON = {"document": doc.document_json()}
        return await self._post(fields, chat, reply_to, caption, None, doc.file_id)

    async def send_album(
        self, photos: Sequence[bytes], caption: str | None = None, *, chat: SimChat | None = None
    ) -> list[SimMessage]:
        """Send photos as one album (shared media_group_id; caption on the first)."""
        group_id = str(secrets.randbelow(10**18))
        return [
            await self.send_photo(
                data, caption if index == 0 else None, media_group_id=group_id, chat=chat
            )
            for index, data in enumerate(photos)
        ]

    async def edit(self, message: SimMessage, text: str) -> SimMessage:
        """Edit one of this user's text messages (an edited_message update)."""
        chat = self._state.chats[message.chat_id]
        stored = chat.messages.get(message.message_id)
        if stored is None or "text" not in stored:
            raise LookupError(f"message {message.message_id} is gone or has no text")
        stored.pop("entities", None)
        stored.update(_text_fields(text), edit_date=self._state.now())
        update_id = self._state.push_update("edited_message", stored)
        await asyncio.sleep(0)
        return SimMessage(chat.id, message.message_id, self.id, update_id, stored, text=text)

    async def press(
        self, message: SentMessage, text: str | None = None, *, data: str | None = None
    ) -> str:
        """Press an inline button (by text, or with explicit ``data``); return the query id."""
        if data is None:
            if text is None:
                raise ValueError("press() needs the button text or data=")
            data = self._find_button(message, text).callback_data
        stored = self._state.chats[message.chat_id].messages.get(message.message_id)
        if stored is None:
            raise LookupError(f"message {message.message_id} was deleted; nothing to press")
        query_id = str(secrets.randbits(63))
        self._state.callback_queries[query_id] = self.id
        query: JSON = {
            "id": query_id,
            "from": self.json,
            "message": stored,
            "chat_instance": str(abs(hash((self._state.token, message.chat_id)))),
            "data": data,
        }
        self._state.push_update("callback_query", query)
        await asyncio.sleep(0)
        return query_id

    async def wait_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """Wait for the bot to answer the callback query ``query_id``."""

        def answer() -> CallbackAnswer | None:
            return next((a for a in self.callback_answers if a.query_id == query_id), None)

        if not await self._state.pulse.wait_for(lambda: answer() is not None, timeout):
            raise TimeoutError(f"the bot did not answer callback query {query_id} in {timeout}s")
        found = answer()
        assert found is not None
        return found

    def block_bot(self) -> None:
        """Block the bot: sends fail with 403 and the bot gets a my_chat_member update."""
        self._set_blocked(True)

    def unblock_bot(self) -> None:
        """Unblock the bot (restart it) and tell the bot with a my_chat_member update."""
        self._set_blocked(False)

    def deactivate(self) -> None:
        """Delete this user's account: sends fail with 403 "user is deactivated".

        The bot gets no update about it, as with Telegram; it learns on its next send.
        """
        self.chat.deactivated = True

    # -- internals -----------------------------------------------------------------------

    def _set_blocked(self, blocked: bool) -> None:
        chat = self.chat
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        bot = self._state.bot_user
        member: JSON = {"status": "member", "user": bot}
        kicked: JSON = {"status": "kicked", "user": bot, "until_date": 0}
        update: JSON = {
            "chat": chat.to_json(),
            "from": self.json,
            "date": self._state.now(),
            "old_chat_member": member if blocked else kicked,
            "new_chat_member": kicked if blocked else member,
        }
        self._state.push_update("my_chat_member", update)

    @staticmethod
    def _find_button(message: SentMessage, text: str) -> Button:
        buttons = [button for row in message.buttons for button in row]
        matches = [b for b in buttons if b.text == text] or [b for b in buttons if text in b.text]
        if len(matches) != 1:
            problem = "no" if not matches else "more than one"
            raise LookupError(
                f"{problem} inline button matching {text!r} on message #{message.message_id}; "
                f"available: {[b.text for b in buttons]}"
            )
        if matches[0].callback_data is None:
            raise LookupError(f"button {matches[0].text!r} has no callback_data (url button)")
        return matches[0]

    async def _post(
        self,
        fields: JSON,
        chat: SimChat | None,
        reply_to: Replyable | None,
        caption: str | None = None,
        media_group_id: str | None = None,
        file_id: str | None = None,
    ) -> SimMessage:
        if self.chat.deactivated:
            raise ValueError(f"{self.json['first_name']} deleted their account and cannot post")
        chat_id = chat.id if chat else reply_to.chat_id if reply_to else self.id
        record = self._state.chats[chat_id]
        if record.type != "private" and self.id not in record.members:
            raise ValueError(f"{self.json['first_name']} is not a member of chat {chat_id}")
        if record.type == "private" and chat_id != self.id:
            raise ValueError(f"chat {chat_id} is another user's private chat")
        if reply_to is not None:
            quoted = self._state.quoted(chat_id, reply_to.message_id)
            if quoted is None:
                raise LookupError(f"message {reply_to.message_id} not found in chat {chat_id}")
            fields["reply_to_message"] = quoted
        if caption is not None:
            fields["caption"] = caption
        if media_group_id is not None:
            fields["media_group_id"] = media_group_id
        message = self._state.new_message(record, self.json, fields)
        update_id = self._state.push_update("message", message)
        # Yield once so a bot polling in the same loop can pick the update up promptly.
        await asyncio.sleep(0)
        return SimMessage(
            chat_id=chat_id,
            message_id=message["message_id"],
            from_user_id=self.id,
            update_id=update_id,
            raw=message,
            text=fields.get("text"),
            caption=caption,
            file_id=file_id,
            media_group_id=media_group_id,
        )
