"""Typed, versioned inline-button payloads (≤ 64 bytes), validated on parse.

The payload only says what was pressed; who may do it is always checked again by the service.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, fields
from typing import ClassVar

VERSION = "1"
MAX_BYTES = 64
_INT = re.compile(r"^(0|[1-9][0-9]{0,9})$")
MAX_ID = 2**31 - 1  # database ids are 32-bit integers


class CallbackInvalid(ValueError):
    """The button payload is malformed, from another version, or forged."""


@dataclass(frozen=True, slots=True)
class Payload:
    """Base class: a short prefix plus integer (or enumerated) fields."""

    prefix: ClassVar[str] = ""

    def encode(self) -> str:
        """Return the callback data string."""
        data = ":".join([VERSION, self.prefix, *(str(v) for v in astuple(self))])
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"callback data too long: {data}")
        return data


@dataclass(frozen=True, slots=True)
class FocusTask(Payload):
    """Report on this task next (from /mytasks)."""

    prefix: ClassVar[str] = "ft"
    task_id: int


@dataclass(frozen=True, slots=True)
class PickTask(Payload):
    """Put an unplaced report on this task."""

    prefix: ClassVar[str] = "pk"
    report_id: int
    task_id: int


@dataclass(frozen=True, slots=True)
class AskPercent(Payload):
    """Show the percent choices for a report."""

    prefix: ClassVar[str] = "ap"
    report_id: int


@dataclass(frozen=True, slots=True)
class SetPercent(Payload):
    """Correct a report's percent."""

    prefix: ClassVar[str] = "sp"
    report_id: int
    percent: int


@dataclass(frozen=True, slots=True)
class AskSignoff(Payload):
    """Ask the coordinators to sign a task off."""

    prefix: ClassVar[str] = "so"
    task_id: int


@dataclass(frozen=True, slots=True)
class Withdraw(Payload):
    """Withdraw a report."""

    prefix: ClassVar[str] = "wd"
    report_id: int


@dataclass(frozen=True, slots=True)
class SetLanguage(Payload):
    """Switch the caller's language."""

    prefix: ClassVar[str] = "lg"
    language: str


@dataclass(frozen=True, slots=True)
class InviteFor(Payload):
    """Issue an invite to this person (a coordinator picked among several matches)."""

    prefix: ClassVar[str] = "iv"
    person_id: int


_TYPES: dict[str, type[Payload]] = {
    t.prefix: t
    for t in (
        FocusTask,
        PickTask,
        AskPercent,
        SetPercent,
        AskSignoff,
        Withdraw,
        SetLanguage,
        InviteFor,
    )
}
_LANGUAGES = frozenset({"zh", "en"})


def parse(data: str | None) -> Payload:
    """Decode callback data, raising CallbackInvalid for anything unexpected."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        raise CallbackInvalid("empty or too long")
    version, _, rest = data.partition(":")
    prefix, _, args = rest.partition(":")
    kind = _TYPES.get(prefix)
    if version != VERSION or kind is None:
        raise CallbackInvalid(f"unknown payload {data!r}")
    values = args.split(":") if args else []
    declared = fields(kind)
    if len(values) != len(declared):
        raise CallbackInvalid(f"wrong field count in {data!r}")
    converted: list[object] = []
    for field, raw in zip(declared, values, strict=True):
        if field.type in ("int", int):
            if not _INT.match(raw) or int(raw) > MAX_ID:
                raise CallbackInvalid(f"bad integer {raw!r}")
            converted.append(int(raw))
        elif raw in _LANGUAGES:
            converted.append(raw)
        else:
            raise CallbackInvalid(f"bad value {raw!r}")
    payload = kind(*converted)
    if isinstance(payload, SetPercent) and not 0 <= payload.percent <= 100:
        raise CallbackInvalid("percent out of range")
    return payload
