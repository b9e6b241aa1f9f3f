"""Which chat commands each role may use (for /help and the per-chat command menu)."""

from __future__ import annotations

from domain.errors import PermissionDenied
from domain.model import Person, Role

EVERYONE = ("start", "help", "language")
BOUND = ("mytasks",)
BOARD_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER})
DESK_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
QUERY_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER, Role.UNIT_HEAD})
QUERIES = ("status", "overdue", "silent", "pending", "person", "task", "history", "campaign")
DESK = (
    "remind",
    "reassign",
    "deactivate",
    "export",
    "report",
    "dossier",
    "template",
    "invite",
    "invites",
)


def commands_for(person: Person | None) -> list[str]:
    """Return the commands the person may use, in menu order."""
    if person is None:
        return list(EVERYONE)
    names = ["mytasks", "extend"]
    if person.has(*BOARD_ROLES):
        names += ["board", "milestone", "lookback", "grade"]
    if person.has(*QUERY_ROLES):
        names += QUERIES
    if person.has(*DESK_ROLES):
        names += DESK
    names += ["language", "help"]
    return names


def may_coordinate(person: Person) -> bool:
    """Tell whether the person works the coordinators' desk (invites, templates, ...)."""
    return person.has(*DESK_ROLES)


def may_see_board(person: Person) -> bool:
    """Tell whether the person may see the whole board."""
    return person.has(*BOARD_ROLES)


def may_query(person: Person) -> bool:
    """Tell whether the person may use the status queries (within their scope)."""
    return person.has(*QUERY_ROLES)


def require_coordinator(person: Person) -> None:
    """Refuse anyone who does not work the coordinators' desk."""
    if not may_coordinate(person):
        raise PermissionDenied()
