"""People and their Telegram accounts: invites, binding, admins, language."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.errors import InviteInvalid, NotRegistered, PersonUnknown, SwitchNeedsConfirmation
from domain.model import Person, Role
from domain.people.commands import require_coordinator
from domain.ports import Clock, UnitOfWork
from domain.texts import LANGUAGES

# Telegram deep-link payloads allow A-Z, a-z, 0-9, _ and - up to 64 characters.
INVITE_CODE_BYTES = 18


@dataclass(frozen=True, slots=True)
class Invite:
    """A freshly issued invite: the only moment the code is known in clear."""

    person: Person
    code: str
    expires_at: datetime

    def link(self, bot_username: str) -> str:
        """Return the deep link that opens the bot with this code."""
        return f"https://t.me/{bot_username}?start={self.code}"


CONFIRM_PREFIX = "ok"  # "/start ok<code>": the holder confirmed switching people
_CODE_LEN = len(secrets.token_urlsafe(INVITE_CODE_BYTES))


def read_start_arg(arg: str) -> tuple[str, bool]:
    """Split a /start argument into the invite code and whether a switch was confirmed."""
    arg = arg.strip()
    if arg.startswith(CONFIRM_PREFIX) and len(arg) == len(CONFIRM_PREFIX) + _CODE_LEN:
        return arg[len(CONFIRM_PREFIX) :], True
    return arg, False


def confirm_link(bot_username: str, code: str) -> str:
    """The deep link that opens the invite again with the switch confirmed."""
    return f"https://t.me/{bot_username}?start={CONFIRM_PREFIX}{code}"


def hash_code(code: str) -> str:
    """Return the stored form of an invite code."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


async def issue_invite(
    *, uow: UnitOfWork, clock: Clock, name: str, valid_days: int, actor: str = "cli"
) -> Invite:
    """Issue a single-use invite for the named person, revoking any earlier one."""
    async with uow:
        person = await _find_one(uow, name)
        invite = await _issue(uow, clock, person, valid_days, actor)
        await uow.commit()
        return invite


async def invite_by_coordinator(
    *,
    uow: UnitOfWork,
    clock: Clock,
    coordinator: Person,
    name: str | None = None,
    person_id: int | None = None,
    valid_days: int,
) -> Invite:
    """Issue an invite from the chat: coordinators and admins only; by name or by id."""
    require_coordinator(coordinator)
    async with uow:
        if person_id is not None:
            person = await uow.people.get(person_id)
            if person is None or not person.active:
                raise PersonUnknown(name=str(person_id), candidates=[])
        else:
            person = await _find_one(uow, name or "")
        invite = await _issue(uow, clock, person, valid_days, f"person:{coordinator.id}")
        await uow.commit()
        return invite


async def all_invites_by_coordinator(
    *, uow: UnitOfWork, clock: Clock, coordinator: Person, valid_days: int
) -> list[Invite]:
    """Issue fresh invites to everyone not yet linked, at a coordinator's request."""
    require_coordinator(coordinator)
    return await issue_all_invites(
        uow=uow, clock=clock, valid_days=valid_days, actor=f"person:{coordinator.id}"
    )


async def issue_all_invites(
    *, uow: UnitOfWork, clock: Clock, valid_days: int, actor: str = "cli"
) -> list[Invite]:
    """Issue invites to every active person who has not linked an account yet."""
    async with uow:
        people = [p for p in await uow.people.active() if p.telegram_user_id is None]
        invites = [await _issue(uow, clock, p, valid_days, actor) for p in people]
        await uow.commit()
        return invites


async def _issue(
    uow: UnitOfWork, clock: Clock, person: Person, valid_days: int, actor: str
) -> Invite:
    now = clock.now()
    code = secrets.token_urlsafe(INVITE_CODE_BYTES)
    expires = now + timedelta(days=valid_days)
    await uow.invites.revoke_open(person.id, now)
    await uow.invites.add(
        person_id=person.id, code_hash=hash_code(code), now=now, expires_at=expires
    )
    await uow.audit.record(
        at=now,
        actor_id=None,
        actor_label=actor,
        action="invite.issued",
        entity="person",
        entity_id=person.id,
        data={"expires_at": expires.isoformat()},
    )
    return Invite(person=person, code=code, expires_at=expires)


async def _find_one(uow: UnitOfWork, name: str) -> Person:
    exact = await uow.people.by_name(name.strip())
    if exact is not None:
        return exact
    matches = [p for p in await uow.people.search(name.strip()) if p.active] if name.strip() else []
    if len(matches) == 1:
        return matches[0]
    raise PersonUnknown(
        name=name, candidates=[p.name for p in matches], ids=[p.id for p in matches]
    )


async def bind_account(
    *,
    uow: UnitOfWork,
    clock: Clock,
    code: str,
    telegram_user_id: int,
    username: str | None,
    confirmed: bool = False,
) -> Person:
    """Bind a Telegram account to the person an invite code was issued to.

    An account already bound to someone else switches only once its holder confirmed, having
    been told both names (a coordinator testing a fresh link would otherwise become that person
    and lose their own role without a word).
    """
    async with uow:
        now = clock.now()
        invite = await uow.invites.by_hash(hash_code(code.strip()))
        if invite is None or invite.used_at or invite.revoked_at or invite.expires_at <= now:
            await uow.audit.record(
                at=now,
                actor_id=None,
                actor_label=f"tg:{telegram_user_id}",
                action="invite.refused",
                entity="invite",
                entity_id=invite.id if invite else None,
            )
            await uow.commit()
            raise InviteInvalid()
        current = await uow.people.by_telegram_id(telegram_user_id)
        if current is not None and current.id != invite.person_id and not confirmed:
            target = await uow.people.get(invite.person_id)
            assert target is not None
            raise SwitchNeedsConfirmation(
                current=current.name,
                target=target.name,
                loses_role=current.has(Role.ADMIN, Role.COORDINATOR, Role.LEADER),
            )
        if not await uow.invites.mark_used(invite.id, now):  # a concurrent use won
            raise InviteInvalid()
        # One account per person and one person per account: the newest binding wins.
        await uow.people.unbind(telegram_user_id)
        await uow.people.bind(invite.person_id, telegram_user_id, username)
        await uow.audit.record(
            at=now,
            actor_id=invite.person_id,
            action="account.bound",
            entity="person",
            entity_id=invite.person_id,
            data={"telegram_user_id": telegram_user_id},
        )
        await uow.commit()
        person = await uow.people.get(invite.person_id)
        assert person is not None
        return person


async def ensure_admin(
    *,
    uow: UnitOfWork,
    clock: Clock,
    telegram_user_id: int,
    display_name: str,
    username: str | None,
) -> Person:
    """Make sure an admin listed in settings exists and is bound to this account.

    The admin role from settings belongs to the account, not to whichever person it is bound
    to: an admin who opened an official's invite acts as admin, but the official's record never
    gains the role (when the official binds their own account, they are an official again).
    """
    async with uow:
        person = await uow.people.by_telegram_id(telegram_user_id)
        if person is not None:
            return replace(person, roles=person.roles | {Role.ADMIN})
        now = clock.now()
        name = await _free_name(uow, display_name or f"admin-{telegram_user_id}")
        person = await uow.people.add(
            name=name,
            unit_id=None,
            roles=[Role.ADMIN],
            phone=None,
            telegram_username=username,
            now=now,
        )
        await uow.people.bind(person.id, telegram_user_id, username)
        await uow.audit.record(
            at=now,
            actor_id=person.id,
            action="admin.bound",
            entity="person",
            entity_id=person.id,
            data={"telegram_user_id": telegram_user_id},
        )
        await uow.commit()
        bound = await uow.people.get(person.id)
        assert bound is not None
        return bound


async def _free_name(uow: UnitOfWork, wanted: str) -> str:
    name, n = wanted, 1
    while await uow.people.by_name(name) is not None:
        n += 1
        name = f"{wanted}({n})"
    return name


async def identify(*, uow: UnitOfWork, telegram_user_id: int) -> Person:
    """Return the active person bound to a Telegram account, or raise NotRegistered."""
    async with uow:
        person = await uow.people.by_telegram_id(telegram_user_id)
    if person is None or not person.active:
        raise NotRegistered()
    return person


async def set_language(*, uow: UnitOfWork, clock: Clock, person: Person, language: str) -> None:
    """Store the person's preferred language."""
    if language not in LANGUAGES:
        raise ValueError(language)
    async with uow:
        await uow.people.set_language(person.id, language)
        await uow.audit.record(
            at=clock.now(),
            actor_id=person.id,
            action="person.language",
            entity="person",
            entity_id=person.id,
            data={"language": language},
        )
        await uow.commit()
