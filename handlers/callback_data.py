"""Typed, versioned inline-button payloads (≤ 64 bytes), validated on parse.

The payload only says what was pressed; who may do it is always checked again by the service.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, fields
from enum import IntEnum
from typing import ClassVar, get_type_hints

from domain.records.queries import Kind
from domain.rhythm.nudges import Reach

VERSION = "1"
MAX_BYTES = 64
_INT = re.compile(r"^(0|[1-9][0-9]{0,9})$")
MAX_ID = 2**31 - 1  # database ids are 32-bit integers


class ExtensionChoice(IntEnum):
    """What a coordinator pressed on an extension request."""

    REFUSE = 0
    APPROVE = 1
    OTHER_DATE = 2


class PickPurpose(IntEnum):
    """What a pick among same-named people is for."""

    REASSIGN = 1
    RETIRE = 2


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


@dataclass(frozen=True, slots=True)
class ImportConfirm(Payload):
    """Write a staged workbook."""

    prefix: ClassVar[str] = "ic"
    staged_id: int


@dataclass(frozen=True, slots=True)
class ImportCancel(Payload):
    """Drop a staged workbook."""

    prefix: ClassVar[str] = "ix"
    staged_id: int


@dataclass(frozen=True, slots=True)
class UseCampaign(Payload):
    """Make this campaign the caller's current one."""

    prefix: ClassVar[str] = "uc"
    campaign_id: int


@dataclass(frozen=True, slots=True)
class SignOff(Payload):
    """A coordinator signs the task off (销号)."""

    prefix: ClassVar[str] = "sg"
    task_id: int


@dataclass(frozen=True, slots=True)
class SendBack(Payload):
    """A coordinator sends the task back; the reason is asked next."""

    prefix: ClassVar[str] = "sb"
    task_id: int


@dataclass(frozen=True, slots=True)
class AskExtension(Payload):
    """An official asks to extend this task's deadline; date and reason are asked next."""

    prefix: ClassVar[str] = "ae"
    task_id: int


@dataclass(frozen=True, slots=True)
class DecideExtension(Payload):
    """A coordinator approves, refuses or sets another date for a request."""

    prefix: ClassVar[str] = "de"
    extension_id: int
    choice: ExtensionChoice


@dataclass(frozen=True, slots=True)
class Remind(Payload):
    """A nudge target (a person, a unit or everyone silent): preview it, or send (1)."""

    prefix: ClassVar[str] = "rm"
    scope: Reach
    target_id: int
    send: int


@dataclass(frozen=True, slots=True)
class Page(Payload):
    """Show another page of a list: `query` is the list kind, `arg` its subject."""

    prefix: ClassVar[str] = "pg"
    query: Kind
    arg: int
    page: int


@dataclass(frozen=True, slots=True)
class PickPerson(Payload):
    """A name matched several people: `purpose` says what the pick is for."""

    prefix: ClassVar[str] = "pp"
    purpose: PickPurpose
    person_id: int
    task_id: int


@dataclass(frozen=True, slots=True)
class Deactivate(Payload):
    """Confirm retiring a person."""

    prefix: ClassVar[str] = "dv"
    person_id: int


@dataclass(frozen=True, slots=True)
class DossierUnit(Payload):
    """Build the dossier of this unit's tasks (picked among several matches)."""

    prefix: ClassVar[str] = "du"
    unit_id: int


@dataclass(frozen=True, slots=True)
class BatchConfirm(Payload):
    """Write every item of a multi-measure card."""

    prefix: ClassVar[str] = "bc"
    batch_id: int


@dataclass(frozen=True, slots=True)
class BatchCancel(Payload):
    """Drop a multi-measure card."""

    prefix: ClassVar[str] = "bx"
    batch_id: int


@dataclass(frozen=True, slots=True)
class BatchFix(Payload):
    """Show the card's items to pick one to fix (or go back to the card with ``back``)."""

    prefix: ClassVar[str] = "bf"
    batch_id: int
    back: int


@dataclass(frozen=True, slots=True)
class BatchPick(Payload):
    """Show the values for one item of a card."""

    prefix: ClassVar[str] = "bp"
    batch_id: int
    index: int


@dataclass(frozen=True, slots=True)
class BatchSet(Payload):
    """Set one item of a card: a percent, 101 = no change, 102 = leave it out."""

    prefix: ClassVar[str] = "bs"
    batch_id: int
    index: int
    value: int


@dataclass(frozen=True, slots=True)
class BatchSignoff(Payload):
    """Ask sign-off for every measure a confirmed card reported done."""

    prefix: ClassVar[str] = "bo"
    batch_id: int


@dataclass(frozen=True, slots=True)
class NoChangeWeek(Payload):
    """From a check-in: no change this week on every measure it lists."""

    prefix: ClassVar[str] = "nc"


@dataclass(frozen=True, slots=True)
class LookbackHeld(Payload):
    """回头看: the rectification of this check's measure still holds."""

    prefix: ClassVar[str] = "lh"
    check_id: int


@dataclass(frozen=True, slots=True)
class LookbackSlipped(Payload):
    """回头看: this check's measure slipped back (the reason is asked next)."""

    prefix: ClassVar[str] = "ls"
    check_id: int


@dataclass(frozen=True, slots=True)
class GradeConfirm(Payload):
    """Take the rule's proposed grade for every unit of the round not yet decided."""

    prefix: ClassVar[str] = "gc"
    campaign_id: int


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
        ImportConfirm,
        ImportCancel,
        UseCampaign,
        SignOff,
        SendBack,
        AskExtension,
        DecideExtension,
        Remind,
        Page,
        PickPerson,
        Deactivate,
        DossierUnit,
        BatchConfirm,
        BatchCancel,
        BatchFix,
        BatchPick,
        BatchSet,
        BatchSignoff,
        NoChangeWeek,
        LookbackHeld,
        LookbackSlipped,
        GradeConfirm,
    )
}
_HINTS = {kind: get_type_hints(kind) for kind in _TYPES.values()}
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
    hints = _hints(kind)
    if len(values) != len(declared):
        raise CallbackInvalid(f"wrong field count in {data!r}")
    converted: list[object] = []
    for field, raw in zip(declared, values, strict=True):
        if field.type in ("int", int):
            if not _INT.match(raw) or int(raw) > MAX_ID:
                raise CallbackInvalid(f"bad integer {raw!r}")
            converted.append(int(raw))
        elif isinstance(enum := hints[field.name], type) and issubclass(enum, IntEnum):
            if not _INT.match(raw) or int(raw) not in enum._value2member_map_:
                raise CallbackInvalid(f"{field.name} out of range in {data!r}")
            converted.append(enum(int(raw)))
        elif raw in _LANGUAGES:
            converted.append(raw)
        else:
            raise CallbackInvalid(f"bad value {raw!r}")
    payload = kind(*converted)
    for name, allowed in _RANGES.get(kind, {}).items():
        if getattr(payload, name) not in allowed:
            raise CallbackInvalid(f"{name} out of range in {data!r}")
    return payload


def _hints(kind: type[Payload]) -> dict[str, object]:
    """The payload's field types (IntEnum fields are decoded to their members)."""
    return _HINTS[kind]


# Bounded integer fields: anything else was not produced by this bot.
_RANGES: dict[type[Payload], dict[str, range]] = {
    SetPercent: {"percent": range(101)},
    Remind: {"send": range(2)},
    Page: {"page": range(10_000)},
    BatchFix: {"back": range(2)},
    BatchPick: {"index": range(100)},
    BatchSet: {"index": range(100), "value": range(103)},
}
