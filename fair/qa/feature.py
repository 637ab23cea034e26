"""The Q&A feature: the programme, panel pages, the moderators' and panelists' views."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from fair.core.contract import Feature, OrganiseLink
from fair.core.i18n import N_
from fair.qa import (
    demo,
    figures,
    jobs,
    live,
    notifications,
    pages,
    personal,
    programme,
    reports,
    rules,
)

feature = Feature(
    name="qa",
    routes=[
        Route("/panels", pages.agenda),
        Route("/panels/{slug:str}", pages.panel),
        Route("/panels/{slug:str}/calendar.ics", pages.calendar),
        Route("/panels/{slug:str}/moderate", pages.moderate),
        Route("/panels/{slug:str}/stage", pages.stage),
        Route("/panels/{slug:str}/screen", pages.screen),
        Route("/panels/{slug:str}/questions.csv", pages.archive_csv),
        Route("/panels/{slug:str}/edit", pages.edit),
        Route("/panels/{slug:str}/edit", pages.save, methods=["POST"]),
        Route("/panels/{slug:str}/report", pages.report),
        Route("/panels/{slug:str}/report/{table:str}.csv", pages.report_csv),
        Route("/qa/act", pages.act, methods=["POST"]),
        Route("/organise/panels", pages.organise),
        Route("/organise/panels", pages.create, methods=["POST"]),
    ],
    commands=live.COMMANDS,
    channel_rules={"programme": live.programme_rule, "qa": live.panel_rule},
    templates=Path(__file__).with_name("templates"),
    demo=demo.load_demo,
    migrations=Path(__file__).with_name("migrations"),
    jobs=[jobs.SCHEDULE],
    organise=[OrganiseLink("/organise/panels", N_("Panels"))],
    reportables=[reports.QUESTIONS],
    notifiers=notifications.NOTIFIERS,
    notice_kinds=notifications.KINDS,
    programme=programme.coming_up,
    figures=figures.panel_figures,
    simulate=figures.simulate_day,
    personal_data=personal.personal_data,
    forget=personal.forget,
    labels=rules.LABELS,
)
