"""Keys built at run time (`status.{value}`, `error.grade_{problem}` …) all exist in the catalogue.

A missing key is a KeyError in front of a user, found only when that one status or error occurs;
here every family is enumerated from the enums and the source that builds it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain import errors
from domain.model import CampaignSource, Light, Notice, Refusal, TaskKind, TaskStatus
from domain.people import commands
from domain.records.history import SHOWN_AS_REPORTS
from domain.records.queries import Kind as ListKind
from domain.rhythm.milestones import Milestone, Span, Standing
from domain.rhythm.policy import DEADLINES, Kind
from domain.texts import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*ROOT.glob("domain/**/*.py"), *ROOT.glob("handlers/*.py"), *ROOT.glob("scheduler/*.py")]


def _menu_commands() -> set[str]:
    everyone = {"mytasks", "extend", "board", "milestone", "lookback", "grade"}
    return everyone | set(commands.EVERYONE) | set(commands.QUERIES) | set(commands.DESK)


FAMILIES: dict[str, list[str]] = {
    "task status": [f"status.{s}" for s in TaskStatus],
    "traffic light": [f"light.{light}" for light in Light],
    "measure kind": [f"kind.{k}" for k in TaskKind],
    "round source": [f"source.{s}" for s in CampaignSource],
    "milestone": [f"milestone.{m}" for m in Milestone] + [f"milestone.key.{m}" for m in Milestone],
    "milestone standing": [f"milestone.line.{s}" for s in Standing],
    "time limit": [f"limit.{s}" for s in Span],
    "paged list title": [f"query.title.{k.name.lower()}" for k in ListKind],
    "query subject": [f"query.{w}_{n}" for w in ("no", "pick") for n in ("unit", "person")],
    "card refusal": [f"batch.reason.{r}" for r in Refusal],
    "deadline reminder": [f"{k}.header" for k in DEADLINES],
    "menu command": [f"cmd.{name}" for name in _menu_commands()],
    "grade comparison": ["grade.op.ge", "grade.op.le"],
    "import round sheet": [f"import.round_{n}" for n in ("source", "feedback", "plan", "report")],
    "message kind": [f"message.{k}" for k in (*Kind, *Notice)],
    "decision outcome": [f"outcome.{o}" for o in ("approved", "refused")],
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_member_of_a_key_family_is_in_the_catalogue(family: str) -> None:
    missing = [key for key in FAMILIES[family] if key not in CATALOGUE]
    assert not missing, f"{family}: {missing}"


def _calls_with_problem() -> Iterator[tuple[str, str]]:
    """(error class, problem) for every `SomeError(problem="…")` in the source."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            for keyword in node.keywords:
                if keyword.arg == "problem" and isinstance(keyword.value, ast.Constant):
                    yield name, str(keyword.value.value)


def test_every_problem_an_error_names_has_its_message() -> None:
    found = list(_calls_with_problem())
    assert len(found) >= 15  # the scan itself works
    missing = []
    for cls_name, problem in found:
        error = getattr(errors, cls_name)(problem=problem)
        if error.key not in CATALOGUE:
            missing.append(error.key)
    assert not missing


def _task_events() -> Iterator[str]:
    """The action of every audit record about a task, a report or an extension."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            given = {k.arg: k.value for k in node.keywords}
            entity, action = given.get("entity"), given.get("action")
            if not (isinstance(entity, ast.Constant) and action is not None):
                continue
            if entity.value not in ("task", "report", "extension"):
                continue
            if isinstance(action, ast.IfExp):
                yield from (
                    str(a.value)
                    for a in (action.body, action.orelse)
                    if isinstance(a, ast.Constant)
                )
            elif isinstance(action, ast.Constant):
                yield str(action.value)
            else:  # f"extension.{outcome}"
                yield from ("extension.approved", "extension.refused")


def test_every_audited_task_event_reads_as_a_sentence_in_the_history() -> None:
    actions = set(_task_events()) - SHOWN_AS_REPORTS
    assert len(actions) >= 12  # the scan itself works
    missing = sorted(a for a in actions if f"history.{a}" not in CATALOGUE)
    assert not missing
