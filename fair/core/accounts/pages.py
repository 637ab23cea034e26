"""Account pages: register, log in, log out, reset a password; role changes and suspensions
from the organisers' people list (people_pages.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fair.core.accounts import actions, confirmations, resets
from fair.core.accounts.countries import country_names
from fair.core.accounts.inputs import (
    Credentials,
    LanguageChoice,
    NewPassword,
    Registration,
    ResetRequest,
    RoleChange,
)
from fair.core.accounts.links import AccountMail
from fair.core.accounts.throttle import LoginThrottle
from fair.core.attendance.actions import logging_in
from fair.core.errors import FairError, Invalid
from fair.core.i18n import LANGUAGE_COOKIE, current_language
from fair.core.i18n import gettext as _
from fair.core.inputs import parse
from fair.core.pages import form_data, render, services_of, viewer_of
from fair.core.security import LOGIN_COOKIE, rotate_visitor, visitor_of


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or urlsplit(target).netloc
    ):
        return "/"
    return target


async def _logged_in(request: Request, token: str, target: str) -> Response:
    services = services_of(request)
    settings = services.settings
    await logging_in(services.db, visitor_of(request))
    response = RedirectResponse(_safe_next(target), status_code=303)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )
    rotate_visitor(response, secure=settings.cookie_secure)
    return response


async def register_page(request: Request) -> Response:
    await viewer_of(request)
    return render(request, "accounts/register.html", {"form": {}, "countries": country_names()})


async def register(request: Request) -> Response:
    services = services_of(request)
    await viewer_of(request)
    data = await form_data(request)
    try:
        await services.limits.check("account.register", _client(request), 10, 3600)
        registration = parse(Registration, data)
        await actions.register(
            services.db,
            registration,
            confirm=AccountMail.of(services, current_language()),
            language=current_language(),
        )
        token, _user = await actions.log_in(
            services.db,
            Credentials(email=registration.email, password=registration.password),
            user_agent=request.headers.get("user-agent", ""),
            days=services.settings.session_days,
        )
    except FairError as refusal:
        data.pop("password", None)
        return render(
            request,
            "accounts/register.html",
            {"form": data, "error": refusal, "countries": country_names()},
            status=refusal.status,
        )
    return await _logged_in(request, token, "/")


async def login_page(request: Request) -> Response:
    await viewer_of(request)
    return render(
        request,
        "accounts/login.html",
        {
            "form": {},
            "next": _safe_next(request.query_params.get("next")),
            "reset": "reset" in request.query_params,
        },
    )


async def login(request: Request) -> Response:
    services = services_of(request)
    await viewer_of(request)
    data = await form_data(request)
    target = _safe_next(data.pop("next", None))
    throttle = LoginThrottle(services.limits)
    try:
        credentials = parse(Credentials, data)
        await throttle.check(credentials.email, _client(request))
        try:
            token, _user = await actions.log_in(
                services.db,
                credentials,
                user_agent=request.headers.get("user-agent", ""),
                days=services.settings.session_days,
            )
        except FairError as refusal:
            if refusal.code == "account.bad_credentials":
                await throttle.failed(credentials.email, _client(request))
            raise
        await throttle.succeeded(credentials.email, _client(request))
    except FairError as refusal:
        data.pop("password", None)
        return render(
            request,
            "accounts/login.html",
            {"form": data, "error": refusal, "next": target},
            status=refusal.status,
        )
    return await _logged_in(request, token, target)


async def forgot_page(request: Request) -> Response:
    await viewer_of(request)
    return render(request, "accounts/forgot.html", {"form": {}})


async def forgot(request: Request) -> Response:
    """Ask for a reset link: the same answer whether or not the address has an account,
    limited per address of the asker and per account address, like logins."""
    services = services_of(request)
    await viewer_of(request)
    data = await form_data(request)
    try:
        form = parse(ResetRequest, data)
        await services.limits.check("account.reset", _client(request), 10, 3600)
        await services.limits.check("account.reset_address", form.email.lower(), 3, 3600)
    except FairError as refusal:
        return render(
            request, "accounts/forgot.html", {"form": data, "error": refusal}, status=refusal.status
        )
    mail = AccountMail.of(services, current_language())
    await resets.request_password_reset(services.db, mail, form.email)
    return render(request, "accounts/forgot_sent.html", {})


async def reset_page(request: Request) -> Response:
    """The form a reset link opens, or why the link cannot be used."""
    services = services_of(request)
    await viewer_of(request)
    token = request.query_params.get("token", "")
    try:
        await resets.check_reset_link(services.db, services.settings.secret_key, token)
    except FairError as refusal:
        return render(
            request, "accounts/reset.html", {"token": "", "error": refusal}, status=refusal.status
        )
    return render(request, "accounts/reset.html", {"token": token})


async def reset(request: Request) -> Response:
    """Set the new password through the link, then log in with it."""
    services = services_of(request)
    await viewer_of(request)
    data = await form_data(request)
    token = str(data.get("token", ""))
    try:
        await services.limits.check("account.reset_set", _client(request), 20, 3600)
        form = parse(NewPassword, data)
        await resets.reset_password(services.db, services.settings.secret_key, token, form.password)
    except FairError as refusal:
        return render(
            request,
            "accounts/reset.html",
            {"token": token, "error": refusal},
            status=refusal.status,
        )
    return RedirectResponse("/login?reset=1", status_code=303)


async def confirm_page(request: Request) -> Response:
    """A confirmation link confirms the address; without a token, the way to a new link."""
    services = services_of(request)
    await viewer_of(request)
    token = request.query_params.get("token")
    if not token:
        return render(request, "accounts/confirm.html", {"sent": "sent" in request.query_params})
    try:
        await confirmations.confirm_email(services.db, services.settings.secret_key, token)
    except FairError as refusal:
        return render(request, "accounts/confirm.html", {"error": refusal}, status=refusal.status)
    return render(request, "accounts/confirm.html", {"confirmed": True})


async def resend_confirmation(request: Request) -> Response:
    """Send the confirmation link again, a few times an hour at most."""
    services = services_of(request)
    viewer = await viewer_of(request)
    await form_data(request)
    try:
        await services.limits.check("account.confirm_resend", str(viewer.user_id), 3, 3600)
        mail = AccountMail.of(services, current_language())
        await confirmations.resend_confirmation(services.db, mail, viewer)
    except FairError as refusal:
        return render(request, "accounts/confirm.html", {"error": refusal}, status=refusal.status)
    return RedirectResponse("/email/confirm?sent=1", status_code=303)


async def logout(request: Request) -> Response:
    services = services_of(request)
    await form_data(request)
    token = request.cookies.get(LOGIN_COOKIE)
    if token:
        await actions.log_out(services.db, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(
        LOGIN_COOKIE, httponly=True, secure=services.settings.cookie_secure, samesite="lax"
    )
    rotate_visitor(response, secure=services.settings.cookie_secure)
    return response


async def choose_language(request: Request) -> Response:
    """The switcher on every page: remember the language (a cookie; a logged-in person's is
    saved too, so mail follows it), then go back to the page it was sent from."""
    services = services_of(request)
    viewer = await viewer_of(request)
    choice = parse(LanguageChoice, await form_data(request))
    if viewer.user_id is not None:
        await actions.choose_language(services.db, viewer.user_id, choice.language)
    response = RedirectResponse(_safe_next(choice.next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        choice.language,
        max_age=365 * 86400,
        httponly=True,
        secure=services.settings.cookie_secure,
        samesite="lax",
    )
    return response


async def change_role(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    back = _people_list(data.pop("back", None))
    await actions.change_role(services.db, viewer, _path_id(request), parse(RoleChange, data))
    return RedirectResponse(back, status_code=303)


async def ban(request: Request) -> Response:
    services = services_of(request)
    viewer = await viewer_of(request)
    data = await form_data(request)
    await actions.ban(services.db, viewer, _path_id(request))
    return RedirectResponse(_people_list(data.get("back")), status_code=303)


def _people_list(back: str | None) -> str:
    """Back to the people list as it was filtered (a same-site /people address only)."""
    target = _safe_next(back)
    return target if target == "/people" or target.startswith("/people?") else "/people"


def _path_id(request: Request) -> int:
    value = request.path_params["user_id"]
    if not isinstance(value, int):
        raise Invalid("input.invalid", _("Not a valid address."))
    return value


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"
