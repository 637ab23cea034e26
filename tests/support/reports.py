"""Reports for tests: the configured features' reportable kinds, and reporting through the
real action."""

from __future__ import annotations

from collections.abc import Mapping

from fair.core.contract import Reportable
from fair.core.db import Database
from fair.core.features import load_features
from fair.core.reports import actions
from fair.core.reports.events import ReportItemView
from fair.core.reports.inputs import ReportInput
from fair.core.reports.rules import Reason
from fair.core.services import collect_reportables
from tests.support.databases import configured_features
from tests.support.qa import Member


def reportables() -> Mapping[str, Reportable]:
    """Every kind of reportable content the configured features bring."""
    return collect_reportables(load_features(configured_features()))


async def report(
    db: Database,
    reporter: Member,
    kind: str,
    content_id: int,
    reason: Reason = Reason.ABUSIVE,
    note: str = "",
) -> ReportItemView:
    """`reporter` reports the content; its queue item as moderators see it."""
    return await actions.report_content(
        db,
        reportables(),
        reporter.viewer,
        ReportInput(kind=kind, content_id=content_id, reason=reason, note=note),
    )
