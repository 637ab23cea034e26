"""Invitation pages: organisers invite, send again and withdraw (on the people page); the
invited person opens the link, sets their name, country and password, and is logged in."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fair.core.accounts import actions as account_actions
from fair.core.accounts.countries import country_names
from fair.core.accounts.inputs import Credentials
from fair.core.accounts.invitations import actions
from fair.core.accounts.invitations.inputs import Acceptance, Invitations
from fair.core.accounts.invitations.rules import invitees_from_text
from fair.core.accounts.links import AccountMail
from fair.core.accounts.pages import _client, _logged_in
from fair.core.accounts.people_pages import render_people
from fair.core.accounts.settings import AccountSettings
from fair.core.errors import FairError, Invalid
from fair.core.i18n import current_language
from fair.core.i18n import gettext as _
from fair.core.inputs import parse
from fair.core.pages import form_data, render, services_of, viewer_of

INVITES_PER_HOUR = 30
"""Invitation forms (of up to 50 people each) one organiser may send in an hour."""
ACCEPTS_PER_HOUR = 20
"""Attempts to accept an invitation from one address in an hour."""

_INVITEE_FIELD = re.compile(r"^invitees\.(\d+)\.(\w+)$")


def _by_line(refusal: FairError, lines: list[dict[str, str]]) -> FairError:
    """The form's refusal with each person's field named by what was typed on its line."""
    if not refusal.fields:
        return refusal
    fields: dict[str, str] = {}
    for name, message in refusal.fields.items():
        found = _INVITEE_FIELD.match(name)
        if found and int(found.group(1)) < len(lines):
            name = lines[int(found.group(1))]["email"][:80]
        elif name == "invitees":
            name = _("People to invite")
        fields[name] = message
    return Invalid(refusal.code, refusal.message, fields=fields)


async def invite(request: Request) -> Response:
    """Invite the people typed (one a line) with the chosen role; the people page then says
    who was invited, who has an account already and who was invited before."""
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    lines = invitees_from_text(str(data.get("people", "")))
    try:
        await services.limits.check("account.invite", str(viewer.user_id), INVITES_PER_HOUR, 3600)
        try:
            form = parse(Invitations, {"invitees": lines, "role": data.get("role", "")})
        except FairError as refusal:
            raise _by_line(refusal, lines) from None
        outcome = await actions.invite_people(
            services.db,
            viewer,
            form,
            AccountMail.of(services, current_language()),
            days=services.settings.section(AccountSettings).invitation_days,
        )
    except FairError as refusal:
        if refusal.code == "account.forbidden":
            raise
        return await render_people(request, {"form": data, "error": refusal}, status=refusal.status)
    return await render_people(request, {"form": {"role": data.get("role")}, "outcome": outcome})


async def resend(request: Request) -> Response:
    """Send an invitation again: a new link, a new expiry; the old link stops working."""
    services = services_of(request)
    viewer = await viewer_of(request)
    await form_data(request)
    await actions.resend_invitation(
        services.db,
        viewer,
        _invitation_id(request),
        AccountMail.of(services, current_language()),
        days=services.settings.section(AccountSettings).invitation_days,
    )
    return RedirectResponse("/people#invitations", status_code=303)


async def withdraw(request: Request) -> Response:
    """Withdraw an invitation: its link stops working."""
    services = services_of(request)
    viewer = await viewer_of(request)
    await form_data(request)
    await actions.withdraw_invitation(services.db, viewer, _invitation_id(request))
    return RedirectResponse("/people#invitations", status_code=303)


async def accept_page(request: Request) -> Response:
    """The form an invitation link opens, or why the link cannot be used."""
    services = services_of(request)
    await viewer_of(request)
    token = request.query_params.get("token", "")
    try:
        invitation = await actions.check_invitation_link(
            services.db, services.settings.secret_key, token
        )
    except FairError as refusal:
        return render(
            request, "accounts/invitation.html", {"error": refusal}, status=refusal.status
        )
    return render(
        request,
        "accounts/invitation.html",
        {
            "token": token,
            "invitation": invitation,
            "form": {"display_name": invitation.display_name},
            "countries": country_names(),
        },
    )


async def accept(request: Request) -> Response:
    """Make the account the invitation offers, then log in with it."""
    services = services_of(request)
    await viewer_of(request)
    data = await form_data(request)
    token = str(data.get("token", ""))
    try:
        await services.limits.check(
            "account.invitation_accept", _client(request), ACCEPTS_PER_HOUR, 3600
        )
        form = parse(Acceptance, data)
        user = await actions.accept_invitation(services.db, services.settings.secret_key, form)
        login, _user = await account_actions.log_in(
            services.db,
            Credentials(email=user.email, password=form.password),
            user_agent=request.headers.get("user-agent", ""),
            days=services.settings.session_days,
        )
    except FairError as refusal:
        data.pop("password", None)
        invitation = None
        try:
            invitation = await actions.check_invitation_link(
                services.db, services.settings.secret_key, token
            )
        except FairError:
            token = ""
        return render(
            request,
            "accounts/invitation.html",
            {
                "token": token,
                "invitation": invitation,
                "form": data,
                "error": refusal,
                "countries": country_names(),
            },
            status=refusal.status,
        )
    return await _logged_in(request, login, "/")


def _invitation_id(request: Request) -> int:
    value = request.path_params["invitation_id"]
    if not isinstance(value, int):
        raise Invalid("input.invalid", _("Not a valid address."))
    return value
