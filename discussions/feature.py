"""The discussions feature: themed discussions in dated rounds (`discussions.feature`)."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from discussions import (
    demo,
    figures,
    handbook_pages,
    jobs,
    live,
    notifications,
    organise_pages,
    pages,
    personal,
    queries,
    reports,
)
from discussions.channels import INDEX
from discussions.settings import DiscussionsSettings
from fair.core.contract import Feature, OrganiseLink
from fair.core.i18n import N_

feature = Feature(
    name="discussions",
    routes=[
        Route("/discussions", pages.index),
        Route("/discussions/act", pages.act, methods=["POST"]),
        Route("/discussions/handbook", handbook_pages.handbook_page),
        Route("/discussions/handbook/{export_id:id}/{name:str}", handbook_pages.download),
        Route("/discussions/{slug:str}", pages.discussion),
        Route("/organise/discussions", organise_pages.page),
        Route("/organise/discussions", organise_pages.create, methods=["POST"]),
    ],
    commands=live.COMMANDS,
    channel_rules={
        INDEX: live.index_rule,
        "discussion": live.discussion_rule,
        "handbook": live.handbook_rule,
    },
    templates=Path(__file__).with_name("templates"),
    demo=demo.load_demo,
    migrations=Path(__file__).with_name("migrations"),
    jobs=[jobs.SCHEDULE, jobs.HANDBOOK],
    settings=DiscussionsSettings,
    organise=[OrganiseLink("/organise/discussions", N_("Discussions"))],
    citations=queries.citing_discussions,
    reportables=[reports.POSTS],
    notifiers=notifications.NOTIFIERS,
    notice_kinds=notifications.KINDS,
    figures=figures.round_figures,
    personal_data=personal.personal_data,
    forget=personal.forget,
)
