"""Domain exceptions; handlers turn them into friendly replies by their message key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.model import RowError
from domain.texts import unescaped


class DomainError(Exception):
    """A rule refused the request; `key` names the message shown to the user."""

    key = "error.generic"

    def __init__(self, **params: Any) -> None:
        super().__init__(self.key, params)
        self.params: dict[str, Any] = params


class WorkbookRejected(DomainError):
    """The workbook cannot be imported; nothing was written."""

    key = "error.workbook_rejected"

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(count=len(errors))
        self.errors: list[RowError] = list(errors)

    def describe(self, lang: str) -> str:
        """Every error on its own line, as plain text (for a terminal)."""
        lines = [unescaped("cli.workbook_errors", lang, count=len(self.errors))]
        for e in self.errors:
            where = e.sheet
            if e.row is not None:
                where += unescaped("cli.where_row", lang, row=e.row)
            if e.column:
                where += f" [{e.column}]"
            lines.append(
                unescaped("cli.error_line", lang, where=where, reason=e.reason.plain(lang))
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe("en")


class NotRegistered(DomainError):
    """The Telegram account is not bound to any person."""

    key = "error.not_registered"


class InviteInvalid(DomainError):
    """The invite code is unknown, used, revoked or expired."""

    key = "error.invite_invalid"


class SwitchNeedsConfirmation(DomainError):
    """An account bound to one person opened another person's invite: ask before switching."""

    key = "start.switch_confirm"

    def __init__(self, *, current: str, target: str, loses_role: bool) -> None:
        super().__init__(current=current, target=target)
        self.loses_role = loses_role


class PermissionDenied(DomainError):
    """The caller's roles do not allow this."""

    key = "error.permission_denied"


class NotFound(DomainError):
    """The named thing does not exist (or is not the caller's)."""

    key = "error.not_found"


class NoOpenTasks(DomainError):
    """The caller has no open task to report on."""

    key = "error.no_open_tasks"


class InvalidState(DomainError):
    """The task is not in a state that allows this."""

    key = "error.invalid_state"


class EditAfterReview(DomainError):
    """An edit of a report on a task awaiting or past sign-off: kept in the log, not applied."""

    key = "error.edit_after_review"


class NothingToReport(DomainError):
    """Every measure the check-in listed is reported this week already (or signed off)."""

    key = "error.nothing_to_report"


class AmbiguousCampaign(DomainError):
    """No campaign was named and there is not exactly one open campaign."""

    key = "error.ambiguous_campaign"

    def __init__(self, *, open: Sequence[str]) -> None:
        super().__init__(open=list(open), listed="、".join(open) or "—")


class PersonUnknown(DomainError):
    """No person matches the given name."""

    key = "error.person_unknown"


class ImportDecided(DomainError):
    """The staged workbook was already confirmed, cancelled or has expired."""

    key = "error.import_decided"


class OwnTask(DomainError):
    """No one reviews a task they own, whatever other roles they hold."""

    key = "error.own_task"


class BadMilestoneCommand(DomainError):
    """A /milestone command that cannot be read."""

    key = "error.milestone_usage"

    def __init__(self, *, problem: str, word: str = "") -> None:
        super().__init__(problem=problem, word=word)
        self.key = f"error.milestone_{problem}"


class BadGradeCommand(DomainError):
    """A /grade command that cannot be read, or a changed grade without its reason."""

    key = "error.grade_usage"

    def __init__(self, *, problem: str, word: str = "") -> None:
        super().__init__(problem=problem, word=word)
        self.key = f"error.grade_{problem}"


class BadLookbackCommand(DomainError):
    """A /lookback command that cannot be read, or a slipped answer without its reason."""

    key = "error.lookback_usage"

    def __init__(self, *, problem: str, word: str = "") -> None:
        super().__init__(problem=problem, word=word)
        self.key = f"error.lookback_{problem}"


class BadExtensionDate(DomainError):
    """An extension request or decision without a usable date or reason."""

    key = "error.extension_input"

    def __init__(self, *, problem: str, due: str = "") -> None:
        super().__init__(problem=problem, due=due)
        self.key = f"error.extension_{problem}"


class ExtensionPending(DomainError):
    """The task already has a request waiting for a decision."""

    key = "error.extension_pending"


class PrivateOnly(DomainError):
    """Personal information is shown only in a private chat."""

    key = "error.group_private"
