"""The organisers' outbox page, and its "retry now" form."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fair.core.i18n import N_
from fair.core.inputs import ids_from_form, parse
from fair.core.mail import actions, queries
from fair.core.mail.inputs import OutboxFilter, RetryInput
from fair.core.mail.models import MailState
from fair.core.pages import form_data, render, services_of, viewer_of

STATE_LABELS = {
    MailState.QUEUED.value: N_("Queued"),
    MailState.SENDING.value: N_("Sending"),
    MailState.SENT.value: N_("Sent"),
    MailState.FAILED.value: N_("Failed"),
}


async def outbox_page(request: Request) -> Response:
    """Organisers see how many messages are in each state and the latest ones, paged."""
    viewer = await viewer_of(request)
    before = request.query_params.get("before_id", "").strip()
    filters = parse(OutboxFilter, ids_from_form({"before_id": before} if before else {}))
    box = await queries.outbox(services_of(request).db, viewer, filters.before_id)
    return render(
        request,
        "organise/mail.html",
        {"outbox": box, "state_labels": STATE_LABELS, "retried": "retried" in request.query_params},
    )


async def retry(request: Request) -> Response:
    """Queue a failed message again from the page's plain form."""
    viewer = await viewer_of(request)
    form = parse(RetryInput, ids_from_form(await form_data(request)))
    await actions.retry_message(services_of(request).db, viewer, form.message_id)
    return RedirectResponse("/organise/mail?retried=1", status_code=303)
