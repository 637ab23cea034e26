"""The hall feature: its pages, commands, channel rules, templates and demo content."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from fair.core.contract import Feature, OrganiseLink
from fair.core.i18n import N_
from fair.hall import (
    demo,
    figures,
    live,
    notifications,
    organise_pages,
    pages,
    personal,
    reports,
    rules,
    team_pages,
)
from fair.hall.settings import HallSettings
from fair.hall.uploads import MAX_UPLOAD_BODY

feature = Feature(
    name="hall",
    routes=[
        Route("/hall", pages.hall),
        Route("/me/bookmarks", pages.bookmarks),
        Route("/me/booths", pages.my_booths),
        Route("/booths/{slug:str}", pages.booth),
        Route("/booths/{slug:str}/chat", pages.chat_history),
        Route("/booths/{slug:str}/chat", pages.post_chat, methods=["POST"]),
        Route(
            "/booths/{slug:str}/chat/{message_id:id}/remove", pages.remove_chat, methods=["POST"]
        ),
        Route(
            "/booths/{slug:str}/chat/{message_id:id}/restore",
            pages.restore_chat,
            methods=["POST"],
        ),
        Route("/booths/{slug:str}/card", pages.leave_card, methods=["POST"]),
        Route("/booths/{slug:str}/keep", pages.keep, methods=["POST"]),
        Route("/media/{media_id:id}", pages.media_file),
        Route("/booths/{booth_id:id}/edit", team_pages.edit_page),
        Route("/booths/{booth_id:id}/details", team_pages.save_details, methods=["POST"]),
        Route("/booths/{booth_id:id}/consortium", team_pages.save_consortium, methods=["POST"]),
        Route(
            "/booths/{booth_id:id}/media",
            team_pages.upload_media,
            methods=["POST"],
            max_body_size=MAX_UPLOAD_BODY,
        ),
        Route("/media/{media_id:id}/remove", team_pages.remove_media, methods=["POST"]),
        Route("/media/{media_id:id}/audio", pages.media_audio),
        Route(
            "/media/{media_id:id}/audio",
            team_pages.attach_audio,
            methods=["POST"],
            max_body_size=MAX_UPLOAD_BODY,
        ),
        Route("/booths/{booth_id:id}/hours", team_pages.add_hour, methods=["POST"]),
        Route(
            "/booths/{booth_id:id}/hours/{hour_id:id}/remove",
            team_pages.remove_hour,
            methods=["POST"],
        ),
        Route("/booths/{booth_id:id}/dashboard", team_pages.dashboard),
        Route("/booths/{booth_id:id}/chat.csv", team_pages.chat_csv),
        Route("/booths/{booth_id:id}/{table:str}.csv", team_pages.dashboard_table),
        Route("/cards/{card_id:id}/answer", team_pages.answer_card, methods=["POST"]),
        Route("/organise/booths", organise_pages.booths_page),
        Route("/organise/booths", organise_pages.create, methods=["POST"]),
        Route("/organise/booths/import", organise_pages.import_file, methods=["POST"]),
        Route("/organise/booths/import-template.csv", organise_pages.import_template),
        Route("/booths/{booth_id:id}/state", organise_pages.change_state, methods=["POST"]),
        Route("/booths/{booth_id:id}/team", organise_pages.add_member, methods=["POST"]),
        Route(
            "/booths/{booth_id:id}/team/{user_id:id}/remove",
            organise_pages.remove_member,
            methods=["POST"],
        ),
    ],
    commands=live.COMMANDS,
    channel_rules={"hall": live.hall_rule, "booth": live.booth_rule},
    templates=Path(__file__).with_name("templates"),
    demo=demo.load_demo,
    settings=HallSettings,
    migrations=Path(__file__).with_name("migrations"),
    organise=[OrganiseLink("/organise/booths", N_("Booths"))],
    reportables=[reports.CHAT_MESSAGES],
    notifiers=notifications.NOTIFIERS,
    notice_kinds=notifications.KINDS,
    figures=figures.booth_figures,
    simulate=figures.simulate_day,
    personal_data=personal.personal_data,
    forget=personal.forget,
    labels=rules.LABELS,
)
