"""Callback payloads: short, versioned and validated."""

from __future__ import annotations

from dataclasses import fields

import pytest

from domain.records.queries import Kind
from domain.rhythm.nudges import Reach
from handlers import callback_data as cd


@pytest.mark.parametrize(
    "payload",
    [
        cd.FocusTask(12),
        cd.PickTask(2**31 - 1, 2**31 - 1),
        cd.AskPercent(3),
        cd.SetPercent(3, 100),
        cd.AskSignoff(7),
        cd.Withdraw(9),
        cd.SetLanguage("en"),
        cd.DecideExtension(5, cd.ExtensionChoice.OTHER_DATE),
        cd.Page(Kind.PERSON, 4, 9_999),
        cd.Remind(Reach.SILENT, 0, 1),
        cd.PickPerson(cd.PickPurpose.RETIRE, 3, 0),
    ],
)
def test_every_payload_round_trips_within_64_bytes(payload: cd.Payload) -> None:
    data = payload.encode()
    assert len(data.encode()) <= 64
    assert cd.parse(data) == payload
    assert [type(v) for v in vars_of(cd.parse(data))] == [type(v) for v in vars_of(payload)]


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "garbage",
        "2:ft:1",  # another version
        "1:zz:1",  # unknown kind
        "1:ft",  # missing field
        "1:ft:1:2",  # extra field
        "1:ft:-1",
        "1:ft:01",
        "1:ft:1e3",
        "1:ft:" + "9" * 40,
        "1:ft:2147483648",  # beyond a database id
        "1:sp:1:101",  # percent out of range
        "1:lg:fr",
        "1:lg:<b>",
        "1:pk:1:x",
        "1:de:5:3",  # no such extension choice
        "1:pg:0:0:0",  # no such list
        "1:rm:4:0:0",  # no such nudge reach
        "1:pp:3:1:0",  # no such purpose
        "1:pp:x:1:0",
    ],
)
def test_malformed_or_forged_data_is_rejected(data: str | None) -> None:
    with pytest.raises(cd.CallbackInvalid):
        cd.parse(data)


def vars_of(payload: cd.Payload) -> list[object]:
    return [getattr(payload, f.name) for f in fields(payload)]
