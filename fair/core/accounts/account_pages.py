"""One's own account pages (`/me/account`): profile, password, logins, data, deletion.

Each page is the person's own: there is no account id in any address, so nobody can open or
post to another's; every post carries the CSRF token of its form.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from fair.core.access import acting_person
from fair.core.accounts import erasure, profile
from fair.core.accounts.account_inputs import AccountDeletion, PasswordChange, ProfileChange
from fair.core.accounts.models import User
from fair.core.accounts.personal_data import as_json, personal_data
from fair.core.accounts.throttle import LoginThrottle
from fair.core.accounts.viewers import Person
from fair.core.errors import FairError, RateLimited
from fair.core.i18n import language_name
from fair.core.inputs import parse
from fair.core.pages import form_data, render, services_of, viewer_of, zone_of
from fair.core.security import LOGIN_COOKIE, rotate_visitor
from fair.core.zones import page_zone


async def _person(request: Request) -> Person:
    return acting_person(await viewer_of(request))


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _profile_form(user: User) -> dict[str, str]:
    return {
        "display_name": user.display_name,
        "email": user.email,
        "organisation": user.organisation,
        "country": user.country,
        "language": user.language or "",
        "time_zone": user.time_zone or "",
    }


async def _profile(
    request: Request, form: dict[str, Any], error: FairError | None = None, saved: bool = False
) -> Response:
    services = services_of(request)
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "error": error,
            "saved": saved,
            "fair_zone": await page_zone(services.db),
            "language_name": language_name,
        },
        status=error.status if error else 200,
    )


async def profile_page(request: Request) -> Response:
    """The profile: name, organisation, country, language, time zone."""
    person = await _person(request)
    user = await profile.profile_of(services_of(request).db, person)
    return await _profile(request, _profile_form(user), saved="saved" in request.query_params)


async def save_profile(request: Request) -> Response:
    person = await _person(request)
    data = await form_data(request)
    try:
        await profile.update_profile(services_of(request).db, person, parse(ProfileChange, data))
    except FairError as refusal:
        user = await profile.profile_of(services_of(request).db, person)
        return await _profile(request, {**data, "email": user.email}, refusal)
    return RedirectResponse("/me/account?saved=1", status_code=303)


async def _checked(request: Request, person: Person, run: Any) -> None:
    """Run a write confirmed by the person's password, throttled as logins are: wrong
    passwords here and on the login form count together, per account and address."""
    services = services_of(request)
    user = await profile.profile_of(services.db, person)
    throttle = LoginThrottle(services.limits)
    await throttle.check(user.email, _client(request))
    try:
        await run()
    except FairError as refusal:
        if refusal.code == "account.wrong_password":
            await throttle.failed(user.email, _client(request))
        raise
    await throttle.succeeded(user.email, _client(request))


def _refused(request: Request, template: str, refusal: FairError) -> Response:
    """The form again with why it was refused (and when to try again, if it must wait)."""
    response = render(request, template, {"error": refusal}, status=refusal.status)
    if isinstance(refusal, RateLimited) and refusal.retry_after is not None:
        response.headers["retry-after"] = str(refusal.retry_after)
    return response


async def password_page(request: Request) -> Response:
    await _person(request)
    return render(
        request, "accounts/account_password.html", {"changed": request.query_params.get("ended")}
    )


async def change_password(request: Request) -> Response:
    """A new password: every other login ends, this one stays."""
    services = services_of(request)
    person = await _person(request)
    data = await form_data(request)
    ended = 0

    async def run() -> None:
        nonlocal ended
        ended = await profile.change_password(services.db, person, parse(PasswordChange, data))

    try:
        await _checked(request, person, run)
    except FairError as refusal:
        return _refused(request, "accounts/account_password.html", refusal)
    return RedirectResponse(f"/me/account/password?ended={ended}", status_code=303)


async def logins_page(request: Request) -> Response:
    """The browsers one is logged in on, this one marked, and a way to end the others."""
    services = services_of(request)
    person = await _person(request)
    return render(
        request,
        "accounts/account_logins.html",
        {
            "logins": await profile.logins_of(services.db, person),
            "zone": await zone_of(request),
            "ended": request.query_params.get("ended"),
        },
    )


async def end_other_logins(request: Request) -> Response:
    services = services_of(request)
    person = await _person(request)
    await form_data(request)
    ended = await profile.end_other_logins(services.db, person)
    return RedirectResponse(f"/me/account/logins?ended={ended}", status_code=303)


async def download_data(request: Request) -> Response:
    """Everything the fair holds about the person, as a JSON file."""
    services = services_of(request)
    person = await _person(request)
    document = await personal_data(services.db, services.personal_data, person)
    return Response(
        as_json(document),
        media_type="application/json; charset=utf-8",
        headers={
            "content-disposition": 'attachment; filename="my-fair-data.json"',
            "cache-control": "no-store",
        },
    )


async def delete_page(request: Request) -> Response:
    await _person(request)
    return render(request, "accounts/account_delete.html", {})


async def delete_account(request: Request) -> Response:
    """Delete one's account, confirmed with the password; then logged out."""
    services = services_of(request)
    person = await _person(request)
    data = await form_data(request)

    async def run() -> None:
        form = parse(AccountDeletion, data)
        await erasure.delete_account(services.db, services.forgetting, person, form.password)

    try:
        await _checked(request, person, run)
    except FairError as refusal:
        return _refused(request, "accounts/account_delete.html", refusal)
    response = RedirectResponse("/me/account/deleted", status_code=303)
    settings = services.settings
    response.delete_cookie(
        LOGIN_COOKIE, httponly=True, secure=settings.cookie_secure, samesite="lax"
    )
    rotate_visitor(response, secure=settings.cookie_secure)
    return response


async def deleted_page(request: Request) -> Response:
    """Said once the account is gone."""
    await viewer_of(request)
    return render(request, "accounts/account_deleted.html", {})


ROUTES: list[BaseRoute] = [
    Route("/me/account", profile_page, methods=["GET"]),
    Route("/me/account", save_profile, methods=["POST"]),
    Route("/me/account/password", password_page, methods=["GET"]),
    Route("/me/account/password", change_password, methods=["POST"]),
    Route("/me/account/logins", logins_page, methods=["GET"]),
    Route("/me/account/logins/end", end_other_logins, methods=["POST"]),
    Route("/me/account/data", download_data, methods=["GET"]),
    Route("/me/account/delete", delete_page, methods=["GET"]),
    Route("/me/account/delete", delete_account, methods=["POST"]),
    Route("/me/account/deleted", deleted_page, methods=["GET"]),
]
"""The account pages, added to the accounts feature's routes."""
