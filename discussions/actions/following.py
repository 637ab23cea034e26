"""Following a discussion: one hears of its rounds opening and closing."""

from __future__ import annotations

from discussions import events
from discussions.access import access_discussion
from discussions.channels import PLACE
from discussions.inputs import FollowingInput
from fair.core.access import Purpose, require_person
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Who
from fair.core.db import Database
from fair.core.notifications import follows


async def set_following(db: Database, who: Who, form: FollowingInput) -> bool:
    """A logged-in person follows the discussion (or stops); whether they follow it now."""
    person = require_person(who, Capability.TAKE_PART)
    async with db.transaction(actor_id=person.user_id) as tx:
        await access_discussion(tx.session, who, form.discussion_id, Purpose.SEE)
        if await follows.set_following(tx, person.user_id, PLACE, form.discussion_id, form.follow):
            tx.record(
                events.DiscussionFollowed(
                    discussion_id=form.discussion_id, following=form.follow, user_id=person.user_id
                )
            )
    return form.follow
