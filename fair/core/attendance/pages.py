"""The organisers' attendance dashboard, its tables as CSV files, and a printable report."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from fair.core.attendance import queries
from fair.core.attendance.inputs import ReportFilter, TableName
from fair.core.attendance.regions import REGIONS
from fair.core.charts import bar_chart
from fair.core.exports import Cell, csv_response
from fair.core.i18n import gettext as _
from fair.core.inputs import parse
from fair.core.pages import render, services_of, viewer_of
from fair.core.templates import country_name


def country_label(code: str) -> str:
    if code == queries.UNKNOWN:
        return _("Not given (visitors without an account)")
    if code == queries.OTHER:
        return _("Other countries")
    return country_name(code)


def _filter(request: Request) -> ReportFilter:
    day = request.query_params.get("day", "").strip()
    return parse(ReportFilter, {"day": day} if day else {})


async def _report(request: Request) -> queries.Report:
    filters = _filter(request)
    return await queries.attendance_report(
        services_of(request).db, await viewer_of(request), filters.day
    )


def _tables(report: queries.Report) -> dict[str, tuple[list[str], list[Sequence[Cell]]]]:
    """Each table of the report: its translated header and its rows."""
    return {
        "days": (
            [_("Day"), _("Registered"), _("Active"), _("Returning"), _("Peak online")],
            [
                [r.day.isoformat(), r.registered, r.active, r.returning, r.peak_online]
                for r in report.days
            ],
        ),
        "countries": (
            [_("Country"), _("People")],
            [[country_label(r.code), r.people] for r in report.countries],
        ),
        "regions": (
            [_("Region"), _("People")],
            [[_(REGIONS[r.region]), r.people] for r in report.regions],
        ),
    }


def _charts(report: queries.Report) -> dict[str, Markup]:
    return {
        "days": bar_chart(
            "chart-days",
            _("Active people per day"),
            [(r.day.isoformat(), r.active) for r in report.days],
        ),
        "countries": bar_chart(
            "chart-countries",
            _("People by country"),
            [(country_label(r.code), r.people) for r in report.countries],
        ),
        "regions": bar_chart(
            "chart-regions",
            _("People by region"),
            [(_(REGIONS[r.region]), r.people) for r in report.regions],
        ),
    }


async def dashboard(request: Request) -> Response:
    """Organisers: how many people, from how many countries, each day; as charts and tables."""
    report = await _report(request)
    return render(
        request,
        "organise/attendance.html",
        {
            "report": report,
            "tables": _tables(report),
            "charts": _charts(report),
            "printing": "print" in request.query_params,
        },
    )


async def table_csv(request: Request) -> Response:
    """One table of the dashboard (with the page's filter) as a CSV file."""
    name = parse(TableName, {"table": request.path_params["table"]}).table
    report = await _report(request)
    header, rows = _tables(report)[name]
    suffix = f"-{report.day.isoformat()}" if report.day else ""
    return csv_response(f"attendance-{name}{suffix}.csv", header, rows)
