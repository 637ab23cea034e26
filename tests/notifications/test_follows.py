"""Following discussions and panels: followers hear of rounds opening and closing and of a
panel about to start; nobody else does; bad follows are refused and change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from discussions.actions import setup, synthesis
from discussions.actions.following import set_following
from discussions.inputs import FollowingInput, RoundRef, SynthesisDraft
from discussions.rules import RoundState
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM, anonymous
from fair.core.contract import Services
from fair.core.errors import NotAuthenticated, NotFound
from fair.core.notifications.follows import Follow, followers
from fair.core.tables import utcnow
from fair.hall.actions import visits
from fair.hall.channels import PLACE
from fair.qa import following as panels
from fair.qa.inputs import PanelCreation, PanelFollowing
from fair.qa.setup import create_panel
from tests.discussions.test_synthesis import closed_round
from tests.notifications.test_consumer import run_consumer, told
from tests.support import discussions as talks
from tests.support import hall
from tests.support.jobs import services_on
from tests.support.qa import members


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    async with services_on(database_url) as made:
        yield made


async def follow_count(services: Services) -> int:
    async with services.db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(Follow)) or 0)


async def test_followers_hear_a_round_open_and_close_and_others_do_not(
    services: Services,
) -> None:
    """Amina follows (twice: once counts); the round opens and she is told its question;
    she stops following and hears nothing of its close; Bo, never following, hears nothing."""
    db = services.db
    moderator, amina, bo = await members(db, "Moderator", "Amina", "Bo")
    discussion_id = await talks.discussion(db, [moderator], title="Building partnership")
    round_id = await talks.round_in(db, discussion_id, RoundState.PLANNED, opens_in=timedelta(1))
    for _ in range(2):
        assert await set_following(db, amina.viewer, FollowingInput(discussion_id=discussion_id))
    assert await follow_count(services) == 1
    await setup.open_round(db, SYSTEM, RoundRef(round_id=round_id))
    await run_consumer(services)
    assert await told(services, amina.id) == [
        "Round 1 of “Building partnership” is open: What makes a partnership last?"
    ]
    following = FollowingInput(discussion_id=discussion_id, follow=False)
    assert not await set_following(db, amina.viewer, following)
    await setup.close_round(db, SYSTEM, RoundRef(round_id=round_id))
    await run_consumer(services)
    assert len(await told(services, amina.id)) == 1
    assert await told(services, bo.id) == []


async def test_a_visitor_or_a_missing_discussion_cannot_be_followed(services: Services) -> None:
    """Not logged in: refused; no such discussion or panel: refused; no follow is kept."""
    db = services.db
    (amina,) = await members(db, "Amina")
    with pytest.raises(NotAuthenticated):
        await set_following(db, anonymous("v1"), FollowingInput(discussion_id=1))
    with pytest.raises(NotFound) as missing:
        await set_following(db, amina.viewer, FollowingInput(discussion_id=999))
    assert missing.value.code == "discussions.not_found"
    with pytest.raises(NotFound) as no_panel:
        await panels.set_following(db, amina.viewer, PanelFollowing(panel_id=999))
    assert no_panel.value.code == "qa.panel_not_found"
    assert await follow_count(services) == 0


async def test_a_panels_followers_hear_once_that_it_starts_soon(services: Services) -> None:
    """A panel starting in 14.5 minutes: the schedule's window that crossed "15 minutes
    before" tells Amina (who follows) and not Bo; the next window says nothing again."""
    db = services.db
    organiser, amina, bo = await members(db, Role.ORGANISER, "Amina", "Bo")
    starts = utcnow() + timedelta(minutes=14, seconds=30)
    made = await create_panel(
        db,
        organiser.viewer,
        PanelCreation(
            title="Remittances that build", starts_at=starts, ends_at=starts + timedelta(hours=1)
        ),
    )
    await panels.set_following(db, amina.viewer, PanelFollowing(panel_id=made.id))
    now = utcnow()
    assert await panels.announce_starting(db, now - timedelta(minutes=1), now) == [made.id]
    assert await panels.announce_starting(db, now, now + timedelta(seconds=5)) == []
    await run_consumer(services)
    assert await told(services, amina.id) == [
        "“Remittances that build”, a panel you follow, starts in 15 minutes."
    ]
    assert await told(services, bo.id) == []


async def test_a_booth_bookmark_counts_as_following_it(services: Services) -> None:
    """Keeping a booth follows it; dropping the bookmark stops following."""
    db = services.db
    organiser, amina = await members(db, Role.ORGANISER, "Amina")
    stand = await hall.booth(db, organiser.viewer)
    await visits.keep_booth(db, amina.viewer, stand.id, True)
    async with db.reading() as session:
        assert await followers(session, PLACE, stand.id) == [amina.id]
    await visits.keep_booth(db, amina.viewer, stand.id, False)
    async with db.reading() as session:
        assert await followers(session, PLACE, stand.id) == []


async def test_followers_hear_that_a_synthesis_is_out(services: Services) -> None:
    """Bo follows the discussion and hears the synthesis is out; Amina, cited but not a
    follower, hears that it cites her post, not that it is out."""
    db = services.db
    moderator, amina, _bako, talk, round_id, (first, _reply, _third) = await closed_round(db)
    (bo,) = await members(db, "Bo")
    await run_consumer(services)  # the round's opening and closing, before Bo follows
    await set_following(db, bo.viewer, FollowingInput(discussion_id=talk))
    draft = SynthesisDraft(round_id=round_id, body="Trust comes first.", cited_ids=[first])
    await synthesis.save_synthesis(db, moderator.viewer, draft)
    await synthesis.publish_synthesis(db, moderator.viewer, RoundRef(round_id=round_id))
    await run_consumer(services)
    (out,) = await told(services, bo.id)
    assert out.startswith("The synthesis of round 1 of “") and out.endswith("” is out.")
    amina_told = await told(services, amina.id)
    assert "cites your post" in amina_told[0]
    assert not any(text.endswith("is out.") for text in amina_told)
