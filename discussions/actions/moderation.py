"""Moderating posts: hiding a post with a reason, and restoring it with one.

The public hears only that a post went (ids) or came back (the post); the discussion's
moderators see the post with the reason on `discussion:<id>:moderation`; its author is told
why on `user:<id>`. Each is one audit row.
"""

from __future__ import annotations

from discussions import events, views
from discussions.access import access_round
from discussions.inputs import Moderation
from discussions.models import Contribution
from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _
from fair.core.reports.actions import content_handled
from fair.core.reports.rules import Handling
from fair.core.tables import utcnow

CONTRIBUTION_HIDDEN = audited(
    "discussions.contribution.hidden", "contribution", "A moderator hid a post, with a reason."
)
CONTRIBUTION_RESTORED = audited(
    "discussions.contribution.restored",
    "contribution",
    "A moderator restored a hidden post, with a reason.",
)

REPORTED_AS = ("discussions.post", "discussion")
"""The posts' reportable kind and place (`discussions.reports`): hiding or restoring a post,
from the review queue or here, closes its queue item."""


def post_link(slug: str, contribution_id: int) -> str:
    return f"/discussions/{slug}#post-{contribution_id}"


async def _moderated(
    tx: Tx, who: Who, contribution_id: int, *, hidden: bool
) -> tuple[Contribution, int, str]:
    """The post (locked), its discussion's id and slug, if `who` moderates it and it is
    `hidden` now (the post to restore) or not (the post to hide)."""
    contribution = await tx.session.get(Contribution, contribution_id, with_for_update=True)
    if contribution is None:
        raise NotFound("discussions.contribution_not_found", _("There is no such post."))
    access = await access_round(tx.session, who, contribution.round_id, Purpose.MODERATE)
    if contribution.hidden != hidden:
        if hidden:
            raise Conflict("discussions.not_hidden", _("This post is not hidden."))
        raise Conflict("discussions.already_hidden", _("This post is already hidden."))
    discussion = access.discussion.discussion
    return contribution, discussion.id, discussion.slug


async def _tell(
    tx: Tx, contribution: Contribution, discussion_id: int, slug: str, who: Who
) -> events.ContributionView:
    author = await tx.session.get(User, contribution.author_id)
    author_name = author.display_name if author is not None else ""
    replies = (
        0
        if contribution.thread_id is None
        else await views.reply_count(tx.session, contribution.thread_id)
    )
    view = views.contribution_view(contribution, discussion_id, author_name, replies)
    tx.record(
        events.ContributionModerated(
            contribution=events.ModeratedContribution(
                id=contribution.id,
                discussion_id=discussion_id,
                round_id=contribution.round_id,
                thread_id=contribution.thread_id,
                author_name=author_name,
                body_html=view.body_html,
                hidden=contribution.hidden,
                reason=contribution.hidden_reason,
                moderator_name=who.display_name or "",
                at=contribution.hidden_at,
            )
        )
    )
    tx.record(
        events.YourContributionModerated(
            author_id=contribution.author_id,
            discussion_id=discussion_id,
            contribution_id=contribution.id,
            hidden=contribution.hidden,
            reason=contribution.hidden_reason,
            link=post_link(slug, contribution.id),
        )
    )
    return view


async def hide_contribution(db: Database, who: Who, form: Moderation) -> None:
    """A moderator hides a post with a reason: it goes from participants' pages at once, its
    author is told why, and moderators still see it, marked hidden."""
    async with db.transaction(actor_id=who.user_id) as tx:
        contribution, discussion_id, slug = await _moderated(
            tx, who, form.contribution_id, hidden=False
        )
        contribution.hidden = True
        contribution.hidden_reason = form.reason
        contribution.hidden_by, contribution.hidden_at = who.user_id, utcnow()
        tx.audit(
            who,
            CONTRIBUTION_HIDDEN,
            contribution.id,
            before={"hidden": False},
            after={"hidden": True, "reason": form.reason},
        )
        tx.record(
            events.ContributionHidden(
                discussion_id=discussion_id,
                contribution_id=contribution.id,
                thread_id=contribution.thread_id,
            )
        )
        await _tell(tx, contribution, discussion_id, slug, who)
        kind, place = REPORTED_AS
        await content_handled(
            tx, kind, contribution.id, Handling.HIDE, form.reason, who, place=place
        )


async def restore_contribution(db: Database, who: Who, form: Moderation) -> None:
    """A moderator restores a hidden post with a reason: it is back for everyone, and its
    author is told why."""
    async with db.transaction(actor_id=who.user_id) as tx:
        contribution, discussion_id, slug = await _moderated(
            tx, who, form.contribution_id, hidden=True
        )
        before = {"hidden": True, "reason": contribution.hidden_reason}
        contribution.hidden = False
        contribution.hidden_reason = form.reason
        contribution.hidden_by, contribution.hidden_at = who.user_id, utcnow()
        tx.audit(
            who,
            CONTRIBUTION_RESTORED,
            contribution.id,
            before=before,
            after={"hidden": False, "reason": form.reason},
        )
        view = await _tell(tx, contribution, discussion_id, slug, who)
        tx.record(events.ContributionRestored(contribution=view))
        kind, place = REPORTED_AS
        await content_handled(
            tx, kind, contribution.id, Handling.RESTORE, form.reason, who, place=place
        )
