"""Bot API method implementations, validating input the way Telegram does."""

from __future__ import annotations

import copy
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from simulator.html import HtmlParseError, parse_html, trim, utf16_len
from simulator.state import (
    JSON,
    Button,
    CallbackAnswer,
    ChatRecord,
    SentFile,
    SentMessage,
    SimState,
)

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_DONE = {"forward": "forwarded", "copy": "copied"}
# Methods a bot may call at start-up that only need to be acknowledged and recorded.
_ACKNOWLEDGED = [
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "pinChatMessage",
    "unpinChatMessage",
    "setMyDefaultAdministratorRights",
    "setMessageReaction",
    "logOut",
    "close",
]

# Telegram's inline keyboard limits as its servers enforce them (documented by their errors):
# at most 100 buttons, 8 to a row, and a bounded markup size.
MAX_INLINE_BUTTONS = 100
MAX_ROW_BUTTONS = 8
MAX_MARKUP_BYTES = 10 * 1024


class ApiError(Exception):
    """A Bot API error answer: HTTP status ``code`` with a Telegram-style description."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        """Return the JSON body Telegram sends for this error."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """Build a 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


@dataclass
class UploadedFile:
    """A multipart file part of a request."""

    file_name: str | None
    mime_type: str | None
    data: bytes


@dataclass
class Params:
    """Request parameters; form values are strings, JSON body values are typed."""

    values: JSON = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        """Return a string parameter."""
        value = self.values.get(name)
        return None if value is None else value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        """Return an integer parameter, refusing non-numbers like Telegram."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """Return a boolean parameter (form data sends "true"/"false")."""
        return self.values.get(name) in (True, 1, "true", "True", "1")

    def obj(self, name: str) -> Any:
        """Return a nested object; PTB sends those JSON-encoded inside form fields."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None


Handler = Callable[[Params], Awaitable[Any]]


class BotApiMethods:
    """The Bot API methods, operating on a :class:`SimState`."""

    def __init__(self, state: SimState) -> None:
        self.state = state
        self.stopping = False
        self._polls = 0  # getUpdates calls so far: a newer one ends an older one with 409
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "deleteWebhook": self.delete_webhook,
            "setWebhook": self.set_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "sendMediaGroup": self.send_media_group,
            "sendChatAction": self.send_chat_action,
            "forwardMessage": self.forward_message,
            "copyMessage": self.copy_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
        }
        for name in _ACKNOWLEDGED:
            self.handlers[name] = self.acknowledge
        self._by_lower = {name.lower(): name for name in self.handlers}

    def canonical(self, name: str) -> str | None:
        """Resolve a method name case-insensitively, as Telegram does."""
        return self._by_lower.get(name.lower())

    # -- updates and webhooks -------------------------------------------------------------

    async def get_me(self, p: Params) -> JSON:
        """Return the bot's User."""
        return self.state.bot_user

    async def get_updates(self, p: Params) -> list[JSON]:
        """Confirm updates below offset and long-poll for new ones.

        Like Telegram: refused while a webhook is set, and a newer getUpdates ends an older one
        still waiting with 409 (two pollers of one bot keep knocking each other out).
        """
        if self.state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._polls += 1
        mine = self._polls
        self.state.pulse.fire()  # wake an older poll so it learns it was replaced
        offset, limit = p.integer("offset"), p.integer("limit") or 100
        allowed = p.obj("allowed_updates")
        if allowed is not None:
            self.state.allowed_updates = list(allowed)
        updates = self.state.updates
        if offset is not None and offset < 0:
            del updates[: max(len(updates) + offset, 0)]
        elif offset is not None:
            updates[:] = [u for u in updates if u["update_id"] >= offset]
        timeout = float(p.values.get("timeout") or 0)
        await self.state.pulse.wait_for(
            lambda: bool(self._deliverable()) or self.stopping or self._polls != mine, timeout
        )
        if self._polls != mine:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running",
            )
        return self._deliverable()[: max(1, min(limit, 100))]

    def _deliverable(self) -> list[JSON]:
        allowed = self.state.allowed_updates
        if not allowed:
            return list(self.state.updates)
        return [u for u in self.state.updates if any(kind in u for kind in allowed)]

    async def delete_webhook(self, p: Params) -> bool:
        """Forget the webhook, optionally dropping pending updates."""
        self.state.webhook = None
        if p.flag("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def set_webhook(self, p: Params) -> bool:
        """Set the webhook: updates are then POSTed to it (simulator.webhook), as Telegram does.

        Refused like Telegram: an http:// URL or a port other than 80, 88, 443 and 8443 (a
        self-hosted server, ``local_api``, takes any), and a secret with other characters than
        letters, digits, _ and -.
        """
        url = str(p.values.get("url") or "")
        if not url:  # Telegram: an empty URL removes the webhook
            self.state.webhook = None
            return True
        parts = urlsplit(url)
        if not self.state.local_api:
            if parts.scheme != "https":
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            if (parts.port or 443) not in (80, 88, 443, 8443):
                raise bad_request(
                    "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                )
        secret = str(p.values.get("secret_token") or "")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = p.obj("allowed_updates")
        if allowed is not None:
            self.state.allowed_updates = list(allowed)
        self.state.webhook = {"url": url, "secret_token": secret}
        self.state.pulse.fire()
        return True

    async def get_webhook_info(self, p: Params) -> JSON:
        """Return WebhookInfo."""
        url = (self.state.webhook or {}).get("url", "")
        count = len(self.state.updates)
        return {"url": url, "has_custom_certificate": False, "pending_update_count": count}

    async def acknowledge(self, p: Params) -> bool:
        """Accept a call whose only effect is being recorded in ``calls``."""
        return True

    # -- shared validation ---------------------------------------------------------------

    def _chat(self, p: Params, *, sending: bool = True) -> ChatRecord:
        raw = p.values.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat: ChatRecord | None
        if isinstance(raw, str) and raw.startswith("@"):
            chat = self.state.chat_by_username(raw[1:])
        else:
            chat = self.state.chats.get(p.integer("chat_id") or 0)
        if chat is None:
            raise bad_request("chat not found")
        if not sending:
            return chat
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.deactivated:
            raise ApiError(403, "Forbidden: user is deactivated")
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _reply(self, p: Params, chat: ChatRecord) -> JSON | None:
        params = p.obj("reply_parameters") or {}
        message_id = params.get("message_id") or p.integer("reply_to_message_id")
        if message_id is None:
            return None
        quoted = self.state.quoted(chat.id, int(message_id))
        allow = params.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply")
        if quoted is None and not allow:
            raise bad_request("message to be replied not found")
        return quoted

    def _markup(self, p: Params) -> tuple[JSON | None, list[list[Button]], list[list[str]]]:
        """Validate reply_markup; return (inline markup, inline buttons, reply keyboard)."""
        markup = p.obj("reply_markup")
        if markup is None:
            return None, [], []
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        buttons: list[list[Button]] = []
        rows = markup.get("inline_keyboard", [])
        if len(json.dumps(markup, ensure_ascii=False).encode()) > MAX_MARKUP_BYTES:
            raise bad_request("reply markup is too long")
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise bad_request("BUTTONS_TOO_MUCH")
        for row in rows:
            if len(row) > MAX_ROW_BUTTONS:
                raise bad_request("BUTTONS_TOO_WIDE")
            buttons.append([])
            for button in row:
                data, url = button.get("callback_data"), button.get("url")
                if not button.get("text"):
                    raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
                if len(button) < 2:
                    raise bad_request("can't parse inline keyboard button: no action specified")
                buttons[-1].append(Button(button["text"], data, url))
        keyboard = [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in markup.get("keyboard", [])
        ]
        # Telegram echoes back only inline keyboards in the returned Message.
        return (markup if "inline_keyboard" in markup else None), buttons, keyboard

    def _format(
        self, text: str, parse_mode: str | None, entities: Any, limit: int, too_long: str
    ) -> tuple[str, list[JSON]]:
        """Apply parse_mode like Telegram; return trimmed plain text and its entities."""
        if parse_mode and parse_mode.lower() == "html":
            try:
                plain, found = parse_html(text)
            except HtmlParseError as err:
                raise bad_request(f"can't parse entities: {err}") from None
        else:
            # Markdown modes are not validated; the text is kept as sent.
            plain, found = text, list(entities or [])
        plain, found = trim(plain, found)
        if utf16_len(plain) > limit:
            raise bad_request(too_long)
        return plain, found

    def _caption(self, p: Params, item: JSON | None = None) -> tuple[JSON, str | None]:
        """Validate a caption (of the request or of a media group item)."""
        source = Params(item) if item is not None else p
        raw, mode = source.text("caption"), source.text("parse_mode")
        if raw is None:
            return {}, None
        entities = source.obj("caption_entities")
        plain, found = self._format(raw, mode, entities, 1024, "message caption is too long")
        fields: JSON = {"caption": plain} if plain else {}
        if found:
            fields["caption_entities"] = found
        return fields, plain

    def _send(self, chat: ChatRecord, method: str, fields: JSON, p: Params, **record: Any) -> JSON:
        """Store a bot message with the request's reply/markup, record it, return its JSON."""
        reply = self._reply(p, chat)
        markup, buttons, keyboard = self._markup(p)
        if reply is not None:
            fields["reply_to_message"] = reply
        if markup is not None:
            fields["reply_markup"] = markup
        message = self.state.new_message(chat, self.state.bot_user, fields)
        sent = SentMessage(
            chat_id=chat.id,
            message_id=message["message_id"],
            method=method,
            date=message["date"],
            reply_to_message_id=reply["message_id"] if reply else None,
            buttons=buttons,
            keyboard=keyboard,
            accepted_at=self.state.clock(),
            **record,
        )
        self.state.record_sent(sent)
        return message

    def _html(self, raw: str | None, mode: str | None) -> str | None:
        return raw if mode and mode.lower() == "html" else None

    # -- sending -------------------------------------------------------------------------

    async def send_message(self, p: Params) -> JSON:
        """Send a text message."""
        chat = self._chat(p)
        raw, mode = p.text("text") or "", p.text("parse_mode")
        text, entities = self._format(raw, mode, p.obj("entities"), 4096, "message is too long")
        if not text:
            raise bad_request("message text is empty")
        fields: JSON = {"text": text, "entities": entities} if entities else {"text": text}
        html = self._html(raw, mode)
        return self._send(
            chat, "sendMessage", fields, p, text=text, html=html, parse_mode=mode, entities=entities
        )

    def _input_file(self, p: Params, value: Any, name: str) -> tuple[UploadedFile | None, str]:
        """Resolve a file parameter to an upload or an existing file_id/URL string."""
        if isinstance(value, str) and value.startswith("attach://"):
            upload = p.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"wrong HTTP URL specified: no file attached as {value}")
        elif value is None and name in p.files:
            upload = p.files[name]
        elif not value:
            raise bad_request(f"there is no {name} in the request")
        elif value in self.state.files or str(value).startswith(("http://", "https://")):
            return None, str(value)
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if not upload.data:
            raise bad_request("file must be non-empty")
        return upload, ""

    def _store_media(self, kind: str, upload: UploadedFile | None, ref: str) -> tuple[JSON, JSON]:
        """Store an uploaded or referenced file; return Message fields and record fields."""
        data = upload.data if upload is not None else b""  # URLs are not fetched
        existing = self.state.files.get(ref)
        if kind == "photo":
            sizes = [existing] if existing else self.state.add_photo(data)
            return {"photo": [s.photo_size_json() for s in sizes]}, {"photo": sizes[-1].content()}
        doc = existing or self.state.add_file(
            data,
            kind="documents",
            file_name=upload.file_name if upload else ref.rsplit("/", 1)[-1],
            mime_type=upload.mime_type if upload else None,
        )
        sent = SentFile(doc.file_name, doc.mime_type, doc.content(), doc.file_id)
        return {"document": doc.document_json()}, {"document": sent}

    async def send_document(self, p: Params) -> JSON:
        """Send a document (multipart upload, file_id or URL)."""
        return await self._send_file(p, "document", "sendDocument")

    async def send_photo(self, p: Params) -> JSON:
        """Send a photo (multipart upload, file_id or URL)."""
        return await self._send_file(p, "photo", "sendPhoto")

    async def _send_file(self, p: Params, kind: str, method: str) -> JSON:
        chat = self._chat(p)
        upload, ref = self._input_file(p, p.values.get(kind), kind)
        caption_fields, caption = self._caption(p)
        self._reply(p, chat)
        self._markup(p)  # validate everything before storing the file
        fields, record = self._store_media(kind, upload, ref)
        mode = p.text("parse_mode")
        html = self._html(p.text("caption"), mode)
        record.update(caption=caption, html=html, parse_mode=mode)
        return self._send(chat, method, {**fields, **caption_fields}, p, **record)

    async def send_media_group(self, p: Params) -> list[JSON]:
        """Send 2–10 photos/documents as one album."""
        chat = self._chat(p)
        media = p.obj("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media specified; must be 2-10")
        self._reply(p, chat)
        # Validate everything before storing anything, so a bad item sends nothing.
        prepared = []
        for item in media:
            if item.get("type") not in ("photo", "document"):
                raise bad_request(f"unsupported media type {item.get('type')!r} in the simulator")
            upload, ref = self._input_file(p, item.get("media"), "media")
            prepared.append((item["type"], upload, ref, *self._caption(p, item)))
        group_id = str(secrets.randbelow(10**18))
        messages = []
        for kind, upload, ref, caption_fields, caption in prepared:
            fields, record = self._store_media(kind, upload, ref)
            fields.update(caption_fields, media_group_id=group_id)
            record.update(caption=caption, media_group_id=group_id)
            messages.append(self._send(chat, "sendMediaGroup", fields, p, **record))
        return messages

    async def send_chat_action(self, p: Params) -> bool:
        """Accept a chat action for a reachable chat."""
        self._chat(p)
        if not p.text("action"):
            raise bad_request("action is empty")
        return True

    def _source(self, p: Params, verb: str) -> tuple[JSON, JSON]:
        """Find the message to forward or copy; return its content fields and record fields."""
        source = self._chat(Params({"chat_id": p.values.get("from_chat_id")}), sending=False)
        message = source.messages.get(p.integer("message_id") or 0)
        if message is None:
            raise bad_request(f"message to {verb} not found")
        kinds = ("text", "entities", "photo", "document", "caption", "caption_entities")
        # Copied, so later edits of the original do not rewrite the forwarded message.
        fields = {key: copy.deepcopy(message[key]) for key in kinds if key in message}
        if "text" not in fields and "photo" not in fields and "document" not in fields:
            # Service messages (joins, migrations…) have no content to pass on.
            raise bad_request(f"message can't be {_DONE[verb]}")
        record: JSON = {
            "text": fields.get("text", ""),
            "entities": list(fields.get("entities", [])),
            "caption": fields.get("caption"),
        }
        if "document" in fields and (doc := self.state.files.get(fields["document"]["file_id"])):
            record["document"] = SentFile(doc.file_name, doc.mime_type, doc.content(), doc.file_id)
        if "photo" in fields and (photo := self.state.files.get(fields["photo"][-1]["file_id"])):
            record["photo"] = photo.content()
        origin: JSON = message.get("forward_origin") or (
            {"type": "user", "date": message["date"], "sender_user": message["from"]}
            if "from" in message
            else {"type": "chat", "date": message["date"], "sender_chat": message["chat"]}
        )
        fields["forward_origin"] = origin
        return fields, record

    async def forward_message(self, p: Params) -> JSON:
        """Forward a message, keeping its content and naming its origin."""
        chat = self._chat(p)
        fields, record = self._source(p, "forward")
        return self._send(chat, "forwardMessage", fields, p, **record)

    async def copy_message(self, p: Params) -> JSON:
        """Copy a message without a link to the original; a new caption may replace the old."""
        chat = self._chat(p)
        fields, record = self._source(p, "copy")
        del fields["forward_origin"]
        if p.values.get("caption") is not None and "text" not in fields:
            caption_fields, caption = self._caption(p)
            fields.pop("caption", None)
            fields.pop("caption_entities", None)
            fields.update(caption_fields)
            record.update(caption=caption, html=self._html(p.text("caption"), p.text("parse_mode")))
        return {"message_id": self._send(chat, "copyMessage", fields, p, **record)["message_id"]}

    # -- editing -------------------------------------------------------------------------

    def _own_message(self, p: Params, missing: str) -> tuple[JSON, SentMessage | None]:
        if p.values.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the simulator")
        chat = self._chat(p, sending=False)
        message = chat.messages.get(p.integer("message_id") or 0)
        if message is None:
            raise bad_request(missing)
        if message["from"]["id"] != self.state.bot_user["id"]:
            raise bad_request("message can't be edited")
        return message, self.state.sent_record(chat.id, message["message_id"])

    def _apply_edit(self, message: JSON, changes: JSON, markup: JSON | None) -> JSON:
        """Apply ``changes`` (None values delete a field) or fail as not modified."""
        changes = {**changes, "reply_markup": markup}
        if all(message.get(key) == value for key, value in changes.items()):
            raise bad_request(_NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = self.state.now()
        self.state.pulse.fire()
        return message

    async def edit_message_text(self, p: Params) -> JSON:
        """Edit a bot text message; a missing reply_markup removes the keyboard, as in Telegram."""
        message, record = self._own_message(p, "message to edit not found")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        raw, mode = p.text("text") or "", p.text("parse_mode")
        text, entities = self._format(raw, mode, p.obj("entities"), 4096, "message is too long")
        if not text:
            raise bad_request("message text is empty")
        markup, buttons, _ = self._markup(p)
        old_text = message["text"]
        self._apply_edit(message, {"text": text, "entities": entities or None}, markup)
        if record is not None:
            record.edits.append(old_text)
            record.text, record.html, record.parse_mode = text, self._html(raw, mode), mode
            record.entities, record.buttons = entities, buttons
        return message

    async def edit_message_caption(self, p: Params) -> JSON:
        """Edit the caption of a bot media message."""
        message, record = self._own_message(p, "message to edit not found")
        if "text" in message:
            raise bad_request("there is no caption in the message to edit")
        caption_fields, caption = self._caption(p)
        markup, buttons, _ = self._markup(p)
        changes = {"caption": None, "caption_entities": None, **caption_fields}
        self._apply_edit(message, changes, markup)
        if record is not None:
            record.edits.append(record.caption or "")
            record.caption, record.buttons = caption, buttons
        return message

    async def edit_message_reply_markup(self, p: Params) -> JSON:
        """Replace (or remove) the inline keyboard of a bot message."""
        message, record = self._own_message(p, "message to edit not found")
        markup, buttons, _ = self._markup(p)
        self._apply_edit(message, {}, markup)
        if record is not None:
            record.buttons = buttons
        return message

    async def delete_message(self, p: Params) -> bool:
        """Delete a message and flag its record."""
        chat = self._chat(p, sending=False)
        message_id = p.integer("message_id") or 0
        if chat.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        if (record := self.state.sent_record(chat.id, message_id)) is not None:
            record.deleted = True
        self.state.pulse.fire()
        return True

    # -- callbacks, files, commands, chats -----------------------------------------------

    async def answer_callback_query(self, p: Params) -> bool:
        """Record the bot's answer on the user who pressed the button."""
        query_id = p.text("callback_query_id") or ""
        user_id = self.state.callback_queries.pop(query_id, None)
        if user_id is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = p.text("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = CallbackAnswer(query_id, text, p.flag("show_alert"), p.text("url"))
        self.state.callback_answers.setdefault(user_id, []).append(answer)
        self.state.pulse.fire()
        return True

    async def get_file(self, p: Params) -> JSON:
        """Return a File with a file_path, refusing files above the download limit."""
        record = self.state.files.get(p.text("file_id") or "")
        if record is None:
            raise bad_request("invalid file_id")
        if record.file_size > self.state.download_limit:
            raise bad_request("file is too big")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.file_size,
            "file_path": record.file_path,
        }

    def _scope_key(self, p: Params) -> tuple[Any, ...]:
        scope = p.obj("scope") or {"type": "default"}
        key: tuple[Any, ...] = (scope.get("type", "default"),)
        if "chat_id" in scope:
            key += (self._chat(Params({"chat_id": scope["chat_id"]}), sending=False).id,)
        if "user_id" in scope:
            key += (int(scope["user_id"]),)
        if language := p.text("language_code"):
            key += (language,)
        return key

    async def set_my_commands(self, p: Params) -> bool:
        """Store the command list for a scope and language."""
        commands = p.obj("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 BotCommand")
        for command in commands:
            if not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_key(p)
        self.state.commands[key] = [(c["command"], c["description"]) for c in commands]
        return True

    async def get_my_commands(self, p: Params) -> list[JSON]:
        """Return the commands stored for a scope and language."""
        stored = self.state.commands.get(self._scope_key(p), [])
        return [{"command": command, "description": text} for command, text in stored]

    async def delete_my_commands(self, p: Params) -> bool:
        """Forget the commands of a scope and language."""
        self.state.commands.pop(self._scope_key(p), None)
        return True

    async def set_chat_menu_button(self, p: Params) -> bool:
        """Record the menu button of a chat (or the default one)."""
        chat_id = self._chat(p, sending=False).id if p.values.get("chat_id") else None
        self.state.menu_buttons[chat_id] = p.obj("menu_button") or {"type": "default"}
        return True

    async def get_chat_menu_button(self, p: Params) -> JSON:
        """Return the recorded menu button."""
        chat_id = self._chat(p, sending=False).id if p.values.get("chat_id") else None
        return self.state.menu_buttons.get(chat_id, {"type": "commands"})

    async def get_chat(self, p: Params) -> JSON:
        """Return ChatFullInfo with the fields PTB requires."""
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **self._chat(p, sending=False).to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**dict.fromkeys(gifts, False), "gifts_from_channels": False},
        }

    async def get_chat_member(self, p: Params) -> JSON:
        """Return a member/left ChatMember for a user of a chat."""
        chat = self._chat(p, sending=False)
        user_id = p.integer("user_id") or 0
        if user_id == self.state.bot_user["id"]:
            return {"status": "member", "user": self.state.bot_user}
        user = self.state.users.get(user_id)
        if user is None:
            raise bad_request("PARTICIPANT_ID_INVALID")
        member = (chat.type == "private" and chat.id == user_id) or user_id in chat.members
        return {"status": "member" if member else "left", "user": user}
