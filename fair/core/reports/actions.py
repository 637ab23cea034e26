"""Reporting content and handling the review queue: each changes state and records its events
in one transaction; hiding and restoring run the feature's own action in that transaction,
and that action closes the queue item (`content_handled`), whichever path it was run from."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from fair.core.access import acting_person, require_person
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Person, Who
from fair.core.audit import audited
from fair.core.contract import Reportable, ReportedContent
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, Forbidden, Invalid, NotFound
from fair.core.i18n import gettext as _
from fair.core.reports import rules
from fair.core.reports.events import (
    ReportItemHandled,
    ReportItemReported,
    ReportItemView,
    YourReportHandled,
    YourReportReceived,
)
from fair.core.reports.inputs import HandlingInput, ReportInput
from fair.core.reports.models import Report, ReportItem
from fair.core.reports.rules import Handling, ItemState
from fair.core.tables import utcnow

ITEM_DISMISSED = audited(
    "reports.item.dismissed",
    "report_item",
    "A moderator kept reported content and closed its reports.",
)
ITEM_CLOSED = audited(
    "reports.item.closed",
    "report_item",
    "A moderator closed a queue item whose content was already hidden, shown or gone.",
)
EXCERPT = 280


async def item_view(tx: Tx, item: ReportItem, place: str) -> ReportItemView:
    rows = await tx.session.execute(
        select(Report.reason, func.count())
        .where(Report.item_id == item.id)
        .group_by(Report.reason)
        .order_by(func.count().desc(), Report.reason)
    )
    return ReportItemView(
        id=item.id,
        kind=item.kind,
        content_id=item.content_id,
        place=place,
        place_id=item.place_id,
        state=item.state,
        reports=item.reports,
        reasons=[reason for reason, _n in rows.all()],
        excerpt=item.excerpt,
        author_name=item.author_name,
        link=item.link,
        updated_at=item.updated_at,
    )


def _refresh(item: ReportItem, content: ReportedContent) -> None:
    item.place_id = content.place_id
    item.excerpt = content.excerpt[:EXCERPT]
    item.author_id = content.author_id
    item.author_name = content.author_name[:160]
    item.link = content.link[:300]


def _kind(reportables: Mapping[str, Reportable], kind: str) -> Reportable:
    reportable = reportables.get(kind)
    if reportable is None:
        raise NotFound("reports.unknown_kind", _("This cannot be reported."))
    return reportable


async def _item_for(tx: Tx, kind: str, content_id: int, content: ReportedContent) -> ReportItem:
    """The content's queue item, locked; made (open, no reports yet) if it has none."""
    query = select(ReportItem).where(ReportItem.kind == kind, ReportItem.content_id == content_id)
    item = await tx.session.scalar(query.with_for_update())
    if item is not None:
        return item
    now = utcnow()
    item = ReportItem(
        kind=kind,
        content_id=content_id,
        state=ItemState.OPEN.value,
        reports=0,
        opened_at=now,
        updated_at=now,
        handled_reason="",
    )
    _refresh(item, content)
    try:
        # Two first reports at once: the second finds the first's row instead.
        async with tx.session.begin_nested():
            tx.session.add(item)
            await tx.session.flush()
    except IntegrityError:
        found = await tx.session.scalar(query.with_for_update())
        if found is None:
            raise
        return found
    return item


async def report_content(
    db: Database, reportables: Mapping[str, Reportable], who: Who, form: ReportInput
) -> ReportItemView:
    """A participant reports a piece of content with a reason: it joins the content's queue
    item (one per content; one report per person), and the place's moderators hear of it."""
    person = require_person(who, Capability.TAKE_PART)
    reportable = _kind(reportables, form.kind)
    async with db.transaction(actor_id=person.user_id) as tx:
        content = await reportable.locate(tx.session, who, form.content_id)
        if content is None:
            raise NotFound("reports.content_not_found", _("There is no such content."))
        if content.author_id == person.user_id:
            raise Conflict("reports.own_content", _("You cannot report your own contribution."))
        item = await _item_for(tx, form.kind, form.content_id, content)
        if await tx.session.get(Report, (item.id, person.user_id)) is not None:
            raise Conflict("reports.already_reported", _("You have already reported this."))
        tx.session.add(
            Report(
                item_id=item.id,
                reporter_id=person.user_id,
                reason=form.reason.value,
                note=form.note,
                created_at=utcnow(),
            )
        )
        _refresh(item, content)
        item.reports += 1
        item.state = rules.state_on_report(ItemState(item.state), content.hidden).value
        item.updated_at = utcnow()
        await tx.session.flush()
        view = await item_view(tx, item, reportable.place)
        tx.record(ReportItemReported(item=view))
        tx.record(
            YourReportReceived(
                reporter_id=person.user_id, kind=form.kind, content_id=form.content_id
            )
        )
    return view


async def handle_items(
    db: Database, reportables: Mapping[str, Reportable], who: Who, form: HandlingInput
) -> list[ReportItemView]:
    """A moderator hides, dismisses or restores the content of one queue item or several
    (bulk), with a reason; each item is one action (one audit row: the feature's own for a
    hide or a restore, which closes the item through `content_handled`; the queue's for a
    dismissal, or for closing an item whose content was already hidden, shown or gone). In
    bulk, items someone else handled in the meantime are left as they are; a single one is
    refused."""
    person = acting_person(who)
    if form.action in {Handling.HIDE, Handling.RESTORE} and not form.reason.strip():
        raise Invalid(
            "input.invalid",
            _("Some fields are missing or not valid."),
            fields={"reason": _("Say why: the author is told.")},
        )
    ids = list(dict.fromkeys(form.item_ids))
    handled: list[ReportItemView] = []
    async with db.unit():
        for item_id in ids:
            view = await _handle_one(
                db, reportables, who, person, item_id, form, single=len(ids) == 1
            )
            if view is not None:
                handled.append(view)
    return handled


async def _handle_one(
    db: Database,
    reportables: Mapping[str, Reportable],
    who: Who,
    person: Person,
    item_id: int,
    form: HandlingInput,
    *,
    single: bool,
) -> ReportItemView | None:
    async with db.transaction(actor_id=person.user_id) as tx:
        item = await tx.session.scalar(
            select(ReportItem).where(ReportItem.id == item_id).with_for_update()
        )
        if item is None:
            raise NotFound("reports.item_not_found", _("There is no such report."))
        reportable = _kind(reportables, item.kind)
        if not await reportable.may_handle(tx.session, who, item.place_id):
            raise Forbidden(
                "reports.not_yours", _("Only the moderators of this place can do this.")
            )
        state = ItemState(item.state)
        if not rules.may_handle(form.action, state):
            if single:
                raise Conflict("reports.already_handled", _("This report was already handled."))
            return None
        content = await reportable.locate(tx.session, who, item.content_id)
        content_id = item.content_id
    # The feature's own hide or restore writes its audit row and closes the item through
    # `content_handled`; the queue writes a row of its own only when no feature action ran.
    ran = False
    if form.action is Handling.HIDE and content is not None and not content.hidden:
        await reportable.hide(db, who, content_id, form.reason)
        ran = True
    elif form.action is Handling.RESTORE:
        if reportable.restore is None:
            raise Conflict("reports.cannot_restore", _("This kind of content cannot be restored."))
        if content is not None and content.hidden:
            await reportable.restore(db, who, content_id, form.reason)
            ran = True
    async with db.transaction(actor_id=person.user_id) as tx:
        item = await tx.session.get(ReportItem, item_id)
        assert item is not None
        if ran and item.state == rules.after(form.action).value:
            return await item_view(tx, item, reportable.place)
        before = {"state": item.state}
        view = await _close(tx, item, form.action, form.reason, person, reportable.place)
        if not ran:
            tx.audit(
                person,
                ITEM_DISMISSED if form.action is Handling.DISMISS else ITEM_CLOSED,
                item.id,
                before=before,
                after={"state": item.state, "reason": form.reason},
            )
    return view


async def content_handled(
    tx: Tx,
    kind: str,
    content_id: int,
    action: Handling,
    reason: str,
    by: Who,
    *,
    place: str,
) -> ReportItemView | None:
    """A feature's action hid or restored content of `kind` (from the queue or directly, on its
    own page) in `tx`: the content's queue item, if it has one the handling applies to, is
    handled with the same reason, its moderators see it move and its reporters are told. No
    audit row: the feature's action wrote the one row of this action. `place` is the
    reportable's channel prefix. Returns the item, or None if there was none to handle."""
    item = await tx.session.scalar(
        select(ReportItem)
        .where(ReportItem.kind == kind, ReportItem.content_id == content_id)
        .with_for_update()
    )
    if item is None or not rules.may_handle(action, ItemState(item.state)):
        return None
    return await _close(tx, item, action, reason, by, place)


async def _close(
    tx: Tx, item: ReportItem, action: Handling, reason: str, by: Who | Person, place: str
) -> ReportItemView:
    """Move the item to the state the handling leaves and tell its moderators and reporters."""
    item.state = rules.after(action).value
    item.handled_by, item.handled_at = by.user_id, utcnow()
    item.handled_reason = reason
    item.updated_at = utcnow()
    await tx.session.flush()
    view = await item_view(tx, item, place)
    tx.record(ReportItemHandled(item=view))
    reporters = await tx.session.scalars(
        select(Report.reporter_id).where(Report.item_id == item.id)
    )
    for reporter_id in reporters:
        tx.record(
            YourReportHandled(
                reporter_id=reporter_id,
                kind=item.kind,
                content_id=item.content_id,
                outcome=item.state,
                link=item.link,
            )
        )
    return view
