"""Validate Telegram-flavoured HTML and turn it into plain text plus message entities."""

from __future__ import annotations

import re
from typing import Any

# Tag name -> MessageEntity type, exactly the set the Bot API documents for parse_mode=HTML.
_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]*));")
_TAG_NAME = re.compile(r"[a-zA-Z0-9-]*")
_ATTR = re.compile(r"""\s*([a-zA-Z_][a-zA-Z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")


class HtmlParseError(ValueError):
    """Raised for markup Telegram would refuse with "can't parse entities"."""


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _decode_entities(text: str, base: int, source: str) -> str:
    out: list[str] = []
    pos = 0
    while (amp := text.find("&", pos)) != -1:
        out.append(text[pos:amp])
        char, pos = _entity_at(text, amp, base, source)
        out.append(char)
    out.append(text[pos:])
    return "".join(out)


def _entity_at(text: str, index: int, base: int, source: str) -> tuple[str, int]:
    """Decode the entity starting at ``text[index] == "&"``; return (char, next index)."""
    match = _ENTITY.match(text, index)
    if match is None:
        offset = _byte_offset(source, base + index)
        raise HtmlParseError(f'Unescaped "&" at byte offset {offset}; use "&amp;"')
    decimal, hexa, name = match.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            offset = _byte_offset(source, base + index)
            raise HtmlParseError(f'Unsupported HTML entity "&{name};" at byte offset {offset}')
        return _NAMED_ENTITIES[name], match.end()
    code = int(decimal) if decimal is not None else int(hexa, 16)
    if not 0 < code <= 0x10FFFF:
        offset = _byte_offset(source, base + index)
        raise HtmlParseError(f"Invalid character entity at byte offset {offset}")
    return chr(code), match.end()


def _parse_attributes(text: str, start: int, end: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = start
    while pos < end:
        if text[pos:end].strip() == "":
            break
        match = _ATTR.match(text, pos, end)
        if match is None or match.end() == pos:
            raise HtmlParseError(f"Invalid tag attributes at byte offset {_byte_offset(text, pos)}")
        raw = match.group(2) or ""
        value_start = match.start(2) if match.group(2) else pos
        if raw[:1] in ("'", '"'):
            raw, value_start = raw[1:-1], value_start + 1
        attrs[match.group(1).lower()] = _decode_entities(raw, value_start, text)
        pos = match.end()
    return attrs


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse ``text`` like parse_mode=HTML; return the plain text and its entities."""
    plain: list[str] = []
    plain_len = 0  # UTF-16 units emitted so far
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "&":
            decoded, pos = _entity_at(text, pos, 0, text)
            plain.append(decoded)
            plain_len += utf16_len(decoded)
            continue
        if char != "<":
            plain.append(char)
            plain_len += utf16_len(char)
            pos += 1
            continue
        tag_start = pos
        closing = text.startswith("</", pos)
        name_match = _TAG_NAME.match(text, pos + (2 if closing else 1))
        assert name_match is not None  # the pattern also matches the empty string
        name = name_match.group().lower()
        close = text.find(">", name_match.end())
        if close == -1:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(text, pos)}")
        if closing:
            if text[name_match.end() : close].strip():
                raise HtmlParseError(f"Invalid end tag at byte offset {_byte_offset(text, pos)}")
            if not stack:
                raise HtmlParseError(
                    f'Unexpected end tag "</{name}>" at byte offset {_byte_offset(text, pos)}'
                )
            open_name, start, attrs = stack.pop()
            if open_name != name:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, tag_start)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            _close_entity(entities, stack, name, start, plain_len, attrs)
        else:
            if name not in _TAGS:
                raise HtmlParseError(
                    f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, pos)}'
                )
            attrs = _parse_attributes(text, name_match.end(), close)
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
            if name == "tg-emoji" and not attrs.get("emoji-id"):
                raise HtmlParseError('Tag "tg-emoji" must have attribute "emoji-id"')
            stack.append((name, plain_len, attrs))
        pos = close + 1
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(plain), entities


def _close_entity(
    entities: list[dict[str, Any]],
    stack: list[tuple[str, int, dict[str, str]]],
    name: str,
    start: int,
    end: int,
    attrs: dict[str, str],
) -> None:
    language = attrs.get("class", "")
    if name == "code" and stack and stack[-1][0] == "pre" and language.startswith("language-"):
        # <pre><code class="language-x"> is one pre entity carrying the language.
        stack[-1][2]["language"] = language.removeprefix("language-")
        return
    if end == start:
        return
    entity: dict[str, Any] = {"type": _TAGS[name], "offset": start, "length": end - start}
    if name == "a":
        entity["url"] = attrs.get("href", "")
    elif name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    entities.append(entity)


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace like Telegram does, shifting and clipping entities."""
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept
