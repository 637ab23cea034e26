"""The discussions feature: themed discussions in dated rounds (`discussions.feature`)."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from discussions import demo, handbook_pages, jobs, live, pages
from discussions.channels import INDEX
from discussions.settings import DiscussionsSettings
from fair.core.contract import Feature

feature = Feature(
    name="discussions",
    routes=[
        Route("/discussions", pages.index),
        Route("/discussions/act", pages.act, methods=["POST"]),
        Route("/discussions/handbook", handbook_pages.handbook_page),
        Route("/discussions/handbook/{export_id:id}/{name:str}", handbook_pages.download),
        Route("/discussions/{slug:str}", pages.discussion),
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
)
