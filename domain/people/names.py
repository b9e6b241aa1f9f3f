"""Finding things by (part of) their Chinese name, as coordinators type them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def best_matches(items: Iterable[T], wanted: str, name: Callable[[T], str]) -> list[T]:
    """Return the items named exactly `wanted`, else those whose name contains it."""
    wanted = wanted.strip()
    pool = list(items)
    exact = [i for i in pool if name(i) == wanted]
    return exact or [i for i in pool if wanted and wanted in name(i)]


def named_pairs(pairs: Iterable[tuple[int, str]], wanted: str) -> list[tuple[int, str]]:
    """best_matches over (id, name) pairs, de-duplicated and in name order."""
    return best_matches(sorted(set(pairs), key=lambda p: p[1]), wanted, lambda p: p[1])
