"""The home feature: the fair's details, home page and set-up by organisers; the `fair` channel."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.channels import named_rule
from fair.core.contract import Feature
from fair.core.home import demo, pages
from fair.core.home.actions import FAIR_CHANNEL

feature = Feature(
    name="home",
    routes=[
        Route("/", pages.home, name="home"),
        Route("/organise", pages.setup_page, methods=["GET"]),
        Route("/organise/details", pages.save_details, methods=["POST"]),
        Route("/organise/themes", pages.save_themes, methods=["POST"]),
        Route("/organise/countries", pages.save_countries, methods=["POST"]),
        Route("/organise/audit", pages.audit_page, methods=["GET"]),
        Route("/organise/audit.csv", pages.audit_csv, methods=["GET"]),
    ],
    channel_rules={
        FAIR_CHANNEL: named_rule(
            [FAIR_CHANNEL], counted=True, doc="`fair` and the count of people at the fair: anyone."
        )
    },
    demo=demo.load_demo,
)
