"""Which campaign (整改轮次) a coordinator is working on, and switching it."""

from __future__ import annotations

from domain.errors import AmbiguousCampaign, NotFound
from domain.model import Campaign, Person
from domain.people.names import best_matches
from domain.ports import UnitOfWork

_KEY = "campaign:{}"


async def current_campaign(uow: UnitOfWork, person: Person) -> Campaign:
    """Return the person's chosen campaign, else the only open one; raise when unclear."""
    chosen = await uow.state.get_state(_KEY.format(person.id))
    if chosen is not None and chosen.isdigit():
        campaign = await uow.campaigns.get(int(chosen))
        if campaign is not None and campaign.is_open:
            return campaign
    return await only_open(uow)


async def only_open(uow: UnitOfWork) -> Campaign:
    """Return the one open campaign; with none or several, raise naming the open ones."""
    open_ones = await uow.campaigns.open_campaigns()
    if len(open_ones) == 1:
        return open_ones[0]
    raise AmbiguousCampaign(open=[c.name for c in open_ones])


async def current_or_none(uow: UnitOfWork, person: Person) -> Campaign | None:
    """Return the current campaign, or None when there is none or it is unclear."""
    try:
        return await current_campaign(uow, person)
    except AmbiguousCampaign:
        return None


async def open_campaigns(*, uow: UnitOfWork, person: Person) -> tuple[list[Campaign], int | None]:
    """Return the open campaigns and the id of the person's current one."""
    async with uow:
        current = await current_or_none(uow, person)
        return await uow.campaigns.open_campaigns(), current.id if current else None


async def switch_campaign(
    *, uow: UnitOfWork, person: Person, campaign_id: int | None = None, name: str | None = None
) -> Campaign | list[Campaign]:
    """Make a campaign current; a partial name matching several returns the candidates."""
    async with uow:
        candidates = await _matching(uow, campaign_id, name)
        if not candidates:
            raise NotFound(what=name or str(campaign_id))
        if len(candidates) > 1:
            return candidates
        await uow.state.set_state(_KEY.format(person.id), str(candidates[0].id))
        await uow.commit()
        return candidates[0]


async def _matching(uow: UnitOfWork, campaign_id: int | None, name: str | None) -> list[Campaign]:
    open_ones = await uow.campaigns.open_campaigns()
    if campaign_id is not None:
        return [c for c in open_ones if c.id == campaign_id]
    return best_matches(open_ones, name or "", lambda c: c.name)
