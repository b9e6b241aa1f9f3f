"""The date of an extension request: after today, within ten years, with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import BadExtensionDate
from domain.work.extensions import parse_request

TODAY = date(2026, 12, 1)


def test_a_date_and_a_reason_are_split() -> None:
    assert parse_request("2027-03-31 资金未到位", TODAY) == (date(2027, 3, 31), "资金未到位")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("9999-12-31 再说", "too_far"),
        ("2036-12-02 十年后", "too_far"),
        ("2026-11-30 已过", "past"),
        ("资金未到位", "no_date"),
        ("2027-02-30 原因", "bad_date"),
    ],
)
def test_a_date_outside_the_window_is_refused_with_its_reason(body: str, problem: str) -> None:
    with pytest.raises(BadExtensionDate) as raised:
        parse_request(body, TODAY)
    assert raised.value.key == f"error.extension_{problem}"


def test_ten_years_ahead_is_still_accepted() -> None:
    assert parse_request("2036-12-01 长期工程", TODAY)[0] == date(2036, 12, 1)
