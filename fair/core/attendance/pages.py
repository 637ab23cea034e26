"""The organisers' attendance dashboard, its tables as CSV files, and a printable report."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from fair.core.attendance import queries
from fair.core.attendance.figures import country_label
from fair.core.attendance.inputs import ReportFilter, TableName
from fair.core.attendance.regions import REGIONS
from fair.core.charts import bar_chart
from fair.core.errors import NotFound
from fair.core.exports import Cell, csv_response
from fair.core.i18n import gettext as _
from fair.core.inputs import parse
from fair.core.pages import render, services_of, viewer_of


def _filter(request: Request) -> ReportFilter:
    given = {name: request.query_params.get(name, "").strip() for name in ("day", "theme")}
    return parse(ReportFilter, {name: value for name, value in given.items() if value})


async def _report(request: Request) -> queries.Report:
    filters = _filter(request)
    services = services_of(request)
    return await queries.attendance_report(
        services.db,
        await viewer_of(request),
        filters.day,
        theme=filters.theme,
        figures=services.figures,
    )


def _tables(report: queries.Report) -> dict[str, tuple[list[str], list[Sequence[Cell]]]]:
    """Each table of the report: its translated header and its rows."""
    features: dict[str, tuple[list[str], list[Sequence[Cell]]]] = {
        table.key: ([_(column) for column in table.columns], list(table.rows))
        for table in report.tables
    }
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
        **features,
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
        **{
            table.key: bar_chart(
                f"chart-{table.key}",
                _(table.title),
                [(str(row[0]), int(row[table.chart] or 0)) for row in table.rows],
            )
            for table in report.tables
            if table.chart is not None
        },
    }


def _sections(report: queries.Report) -> list[tuple[str, str, bool]]:
    """Each table's key, heading, and whether a theme narrows it (in the page's order)."""
    return [
        ("days", _("Each day"), False),
        ("countries", _("By country"), False),
        ("regions", _("By region"), False),
        *((table.key, _(table.title), table.themed) for table in report.tables),
    ]


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
            "sections": _sections(report),
            "printing": "print" in request.query_params,
        },
    )


async def table_csv(request: Request) -> Response:
    """One table of the dashboard (with the page's filter) as a CSV file."""
    name = parse(TableName, {"table": request.path_params["table"]}).table
    report = await _report(request)
    tables = _tables(report)
    if name not in tables:
        raise NotFound("attendance.no_such_table", _("There is no such table."))
    header, rows = tables[name]
    suffix = f"-{report.day.isoformat()}" if report.day else ""
    suffix += f"-{report.theme}" if report.theme else ""
    return csv_response(f"attendance-{name}{suffix}.csv", header, rows)
