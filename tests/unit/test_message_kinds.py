"""Coordinators read what kind of message failed in their words, not the stored code."""

from __future__ import annotations

import pytest

from domain.delivery.delivery_rules import message_kind
from domain.model import Notice
from domain.rhythm.policy import Kind


@pytest.mark.parametrize(
    ("kind", "lang", "said"),
    [
        (Kind.CHECKIN, "zh", "周报提醒"),
        (Kind.CHECKIN, "en", "weekly check-in"),
        (Notice.SUMMONS, "zh", "履责约谈提醒"),
        ("checkin", "zh", "周报提醒"),  # as the outbox row stores it
        ("something_old", "en", "something_old"),  # a kind from an older version: as it is
    ],
)
def test_a_message_kind_is_named_in_the_readers_language(kind: str, lang: str, said: str) -> None:
    assert message_kind(kind, lang) == said
