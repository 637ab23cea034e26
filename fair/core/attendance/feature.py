"""The attendance feature (built in): counting people in, sampling who is online, and the
organisers' dashboard."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.attendance import pages, personal
from fair.core.attendance.jobs import SAMPLES
from fair.core.contract import Feature, OrganiseLink
from fair.core.i18n import N_

feature = Feature(
    name="attendance",
    routes=[
        Route("/organise/attendance", pages.dashboard),
        Route("/organise/attendance/{table:str}.csv", pages.table_csv),
    ],
    jobs=[SAMPLES],
    organise=[OrganiseLink("/organise/attendance", N_("Attendance"))],
    personal_data=personal.personal_data,
    forget=personal.forget,
)
