"""The mail feature (built in): the outbox, the job that sends it, and the organisers' page."""

from __future__ import annotations

from starlette.routing import Route

from fair.core.contract import Feature, Job, OrganiseLink
from fair.core.i18n import N_
from fair.core.mail import pages, personal
from fair.core.mail.sending import send_job
from fair.core.mail.settings import MailSettings

SEND_EVERY_SECONDS = 5.0

feature = Feature(
    name="mail",
    routes=[
        Route("/organise/mail", pages.outbox_page, methods=["GET"]),
        Route("/organise/mail/retry", pages.retry, methods=["POST"]),
    ],
    settings=MailSettings,
    jobs=[Job("mail.send", send_job, every_seconds=SEND_EVERY_SECONDS)],
    organise=[OrganiseLink("/organise/mail", N_("Mail"))],
    personal_data=personal.personal_data,
    forget=personal.forget,
)
