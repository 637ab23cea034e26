"""Pure rules: roles, input parsing, text cleaning, settings and the web security checks."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from fair.core.accounts.inputs import Credentials, Registration, RoleChange
from fair.core.accounts.roles import Capability, Role, can
from fair.core.app import create_app
from fair.core.errors import Forbidden, Invalid
from fair.core.inputs import parse
from fair.core.security import check_csrf, csrf_token, origin_allowed
from fair.core.settings import (
    INSECURE_SECRET,
    PROJECT_ROOT,
    Settings,
    SettingsError,
    load_settings,
)
from fair.core.text import clean_line, clean_text, render_markdown

LONG_SECRET = "k" * 48


def registration(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "Ada Lovelace",
        "email": "ada@example.org",
        "password": "correct horse battery",
        "country": "SN",
        "organisation": "Analytical Engines",
    }
    data.update(changes)
    return data


def refusal(model: type[Any], data: Any) -> Invalid:
    with pytest.raises(Invalid) as refused:
        parse(model, data)
    return refused.value


# Roles and capabilities


@pytest.mark.parametrize("capability", list(Capability))
def test_nobody_logged_out_can_do_anything(capability: Capability) -> None:
    """Without a role (not logged in) no capability is granted."""
    assert can(None, capability) is False


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_take_part(role: Role) -> None:
    """Every role, down to participant, may take part in the fair."""
    assert can(role, Capability.TAKE_PART) is True


@pytest.mark.parametrize("capability", list(Capability))
def test_organisers_may_do_everything(capability: Capability) -> None:
    """The organiser role grants every capability there is."""
    assert can(Role.ORGANISER, capability) is True


@pytest.mark.parametrize(
    ("role", "granted"),
    [
        (Role.PARTICIPANT, {Capability.TAKE_PART}),
        (Role.EXHIBITOR, {Capability.TAKE_PART, Capability.RUN_BOOTH}),
        (Role.PANELIST, {Capability.TAKE_PART, Capability.ANSWER}),
        (Role.MODERATOR, {Capability.TAKE_PART, Capability.MODERATE}),
    ],
)
def test_each_role_grants_exactly_its_own_capabilities(
    role: Role, granted: set[Capability]
) -> None:
    """Participants, exhibitors, panelists and moderators get their capabilities and no others."""
    assert {capability for capability in Capability if can(role, capability)} == granted


@pytest.mark.parametrize(
    "capability",
    [Capability.SEE_PEOPLE, Capability.CHANGE_ROLES, Capability.BAN, Capability.EDIT_FAIR],
)
def test_only_organisers_manage_people_and_the_fair(capability: Capability) -> None:
    """Seeing people, changing roles, banning and editing the fair belong to organisers alone."""
    assert [role for role in Role if can(role, capability)] == [Role.ORGANISER]


# Input parsing


def test_valid_registration_is_parsed_into_the_model() -> None:
    """A complete registration becomes a Registration with the typed values."""
    form = parse(Registration, registration())
    assert form == Registration(
        display_name="Ada Lovelace",
        email="ada@example.org",
        password="correct horse battery",
        country="SN",
        organisation="Analytical Engines",
    )


def test_unknown_field_is_refused_naming_the_field() -> None:
    """A registration that also sets `role` is refused with input.invalid naming `role`."""
    error = refusal(Registration, registration(role="organiser"))
    assert error.code == "input.invalid"
    assert error.status == 422
    assert list(error.fields) == ["role"]


def test_unknown_field_in_credentials_is_refused() -> None:
    """Credentials with an extra field are refused naming that field."""
    error = refusal(Credentials, {"email": "ada@example.org", "password": "x", "remember": "1"})
    assert error.code == "input.invalid"
    assert "remember" in error.fields


def test_input_that_is_not_an_object_is_refused() -> None:
    """A list instead of named fields is refused with input.invalid."""
    error = refusal(Registration, ["ada@example.org"])
    assert error.code == "input.invalid"
    assert error.fields == {}


def test_missing_fields_are_each_named() -> None:
    """Every required field that is absent is named in the refusal."""
    error = refusal(Registration, {})
    assert set(error.fields) == {"display_name", "email", "password", "country"}


def test_custom_error_code_is_used() -> None:
    """A caller may choose the refusal code, for example for a websocket command."""
    with pytest.raises(Invalid) as refused:
        parse(RoleChange, {"role": "emperor"}, code="account.bad_role")
    assert refused.value.code == "account.bad_role"
    assert "role" in refused.value.fields


def test_email_is_normalised_to_lower_case_without_spaces() -> None:
    """An e-mail typed with capitals and spaces is stored in lower case, trimmed."""
    assert parse(Registration, registration(email="  Ada@Example.ORG ")).email == "ada@example.org"
    assert parse(Credentials, {"email": "ADA@example.org", "password": "x"}).email == (
        "ada@example.org"
    )


@pytest.mark.parametrize(
    "email", ["ada", "ada@", "@example.org", "ada@example", "a b@example.org", "ada@@example.org"]
)
def test_malformed_email_is_refused(email: str) -> None:
    """Something that is not an e-mail address is refused naming `email`."""
    assert "email" in refusal(Registration, registration(email=email)).fields


@pytest.mark.parametrize("country", ["XX", "ZZ", "SEN", "", "EU"])
def test_unknown_country_is_refused(country: str) -> None:
    """A country code that is not in the list is refused naming `country`."""
    assert "country" in refusal(Registration, registration(country=country)).fields


def test_country_code_is_upper_cased() -> None:
    """A valid country typed in lower case is accepted and stored upper case."""
    assert parse(Registration, registration(country="sn")).country == "SN"


def test_too_short_password_is_refused_saying_the_minimum() -> None:
    """A nine-character password is refused, and the message says ten are needed."""
    error = refusal(Registration, registration(password="123456789"))
    assert error.code == "input.invalid"
    assert "10" in error.fields["password"]


def test_display_name_is_cleaned_of_controls_and_extra_spaces() -> None:
    """Control, zero-width and bidi characters vanish and runs of spaces become one."""
    name = "  Ada\u200b \t  Love\x00lace\u202e \x07 "
    assert parse(Registration, registration(display_name=name)).display_name == "Ada Lovelace"


def test_display_name_too_short_after_cleaning_is_refused() -> None:
    """A name that is one visible character once cleaned is refused naming `display_name`."""
    error = refusal(Registration, registration(display_name=" \u200b\u200bA\x00 "))
    assert "display_name" in error.fields


def test_too_short_display_name_says_how_long_it_must_be() -> None:
    """A one-character name is refused with a message giving the minimum length."""
    error = refusal(Registration, registration(display_name="A"))
    assert error.fields["display_name"] == "Must be at least 2 characters."


def test_too_long_display_name_says_the_maximum() -> None:
    """An 81-character name is refused with a message giving the maximum length."""
    error = refusal(Registration, registration(display_name="x" * 81))
    assert error.fields["display_name"] == "Must be at most 80 characters."


def test_role_change_accepts_only_known_roles() -> None:
    """A role change parses a known role and refuses an invented one."""
    assert parse(RoleChange, {"role": "moderator"}).role is Role.MODERATOR
    assert refusal(RoleChange, {"role": "emperor"}).fields == {
        "role": "Not one of the allowed values."
    }


# Text cleaning


class Elements(HTMLParser):
    """Collects every start tag with its attributes, to inspect rendered HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def test_clean_line_drops_controls_and_collapses_spaces() -> None:
    """Control and format characters vanish; spaces and tabs become single spaces, trimmed."""
    assert clean_line("\t Ada\u200b   Love\x00lace\u00a0 \x1b") == "Ada Lovelace"


def test_clean_line_normalises_to_nfc() -> None:
    """A decomposed accent is composed, so equal names compare equal."""
    assert clean_line("Le\u0301opold") == "L\u00e9opold"


def test_clean_line_turns_a_line_break_into_a_space() -> None:
    """Words on two lines of a pasted one-line field stay two words."""
    assert clean_line("Ada\nLovelace") == "Ada Lovelace"
    assert clean_line("Ada\r\nLovelace") == "Ada Lovelace"


def test_clean_text_keeps_lines_but_at_most_one_blank_line() -> None:
    """Line endings become \\n, each line is trimmed and long gaps shrink to one blank line."""
    assert clean_text("  first  line \r\n\r\n\r\n \r\nsecond\u202e\x07 line\rthird  ") == (
        "first line\n\nsecond line\nthird"
    )


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Hello <script src=https://evil.example/x.js></script> world",
        "<img src=x onerror=alert(1)>",
        '<a href="https://evil.example" onclick="steal()">win</a>',
        "<iframe src=https://evil.example></iframe>",
        "<b onmouseover=alert(1)>bold</b>",
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_raw_html_never_survives_markdown(source: str) -> None:
    """Raw HTML in Markdown is shown as text, never rendered as elements or attributes."""
    html = str(render_markdown(source))
    elements = Elements(html)
    assert "<script" not in html.lower()
    assert {tag for tag, _ in elements.tags} <= {"p"}
    assert all(attrs == {} for _, attrs in elements.tags)


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](  javascript:alert(1)  )",
        "<javascript:alert(1)>",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click][1]\n\n[1]: javascript:alert(1)",
    ],
)
def test_dangerous_links_are_dropped(source: str) -> None:
    """Links to javascript:, vbscript: or data: never become a link with that address."""
    anchors = Elements(str(render_markdown(source))).named("a")
    hrefs = [(attrs.get("href") or "").replace("\t", "").strip().lower() for attrs in anchors]
    assert not [href for href in hrefs if not href.startswith(("http:", "https:", "mailto:"))]


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[the fair](https://fair.example.org/hall)", "https://fair.example.org/hall"),
        ("<https://fair.example.org>", "https://fair.example.org"),
        ("[write](mailto:hello@fair.example.org)", "mailto:hello@fair.example.org"),
    ],
)
def test_links_get_rel_noopener_noreferrer_nofollow(source: str, href: str) -> None:
    """A safe link keeps its address and gets rel="noopener noreferrer nofollow"."""
    anchors = Elements(str(render_markdown(source))).named("a")
    assert len(anchors) == 1
    assert anchors[0]["href"] == href
    assert set((anchors[0]["rel"] or "").split()) == {"noopener", "noreferrer", "nofollow"}


def test_markdown_formatting_is_rendered() -> None:
    """Emphasis, lists and code come through as their HTML elements, marked safe for templates."""
    rendered = render_markdown("**bold** and *soft*\n\n- one\n- two\n\n`code`")
    assert isinstance(rendered, Markup)
    tags = [tag for tag, _ in Elements(str(rendered)).tags]
    assert tags == ["p", "strong", "em", "ul", "li", "li", "p", "code"]


def test_images_are_not_rendered() -> None:
    """Markdown images are dropped, so posts cannot load third-party pixels."""
    assert Elements(str(render_markdown("![x](https://evil.example/pixel.png)"))).named("img") == []


# Settings


def test_defaults_load_without_environment() -> None:
    """With no FAIR_* variables the defaults from config/default.toml are used."""
    settings = load_settings(environ={})
    assert settings.env == "development"
    assert settings.port == 8000
    assert settings.cookie_secure is False
    assert settings.features == (
        "fair.hall.feature",
        "fair.qa.feature",
        "discussions.feature",
    )


@pytest.mark.parametrize(
    ("variable", "raw", "field", "expected"),
    [
        ("FAIR_PORT", "9001", "port", 9001),
        ("FAIR_COOKIE_SECURE", "yes", "cookie_secure", True),
        ("FAIR_COOKIE_SECURE", "TRUE", "cookie_secure", True),
        ("FAIR_COOKIE_SECURE", "off", "cookie_secure", False),
        ("FAIR_HEAD_CHECK_SECONDS", "0.25", "head_check_seconds", 0.25),
        ("FAIR_SESSION_DAYS", "3", "session_days", 3),
        (
            "FAIR_ALLOWED_ORIGINS",
            " https://a.example , https://b.example, ",
            "allowed_origins",
            ("https://a.example", "https://b.example"),
        ),
        ("FAIR_FEATURES", "fair.core.home.feature", "features", ("fair.core.home.feature",)),
        ("FAIR_NAMESPACE", "fair7", "namespace", "fair7"),
        ("FAIR_REDIS_URL", "redis://127.0.0.1:6379/3", "redis_url", "redis://127.0.0.1:6379/3"),
    ],
)
def test_environment_overrides_are_coerced_to_the_settings_type(
    variable: str, raw: str, field: str, expected: object
) -> None:
    """A FAIR_* variable overrides its setting, converted to the type of the default."""
    value = getattr(load_settings(environ={variable: raw}), field)
    assert value == expected
    assert type(value) is type(expected)


def test_fractional_seconds_are_accepted_for_a_seconds_setting() -> None:
    """FAIR_PRESENCE_TTL_SECONDS=2.5 sets a presence lifetime of two and a half seconds."""
    assert load_settings(environ={"FAIR_PRESENCE_TTL_SECONDS": "2.5"}).presence_ttl_seconds == 2.5


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("FAIR_PORT", "eighty"),
        ("FAIR_PORT", "80.5"),
        ("FAIR_COOKIE_SECURE", "maybe"),
        ("FAIR_HEAD_CHECK_SECONDS", "soon"),
        ("FAIR_MAX_BODY_BYTES", "1MB"),
    ],
)
def test_bad_override_raises_settings_error_naming_the_variable(variable: str, raw: str) -> None:
    """A value of the wrong type is refused with SettingsError naming the variable."""
    with pytest.raises(SettingsError, match=variable):
        load_settings(environ={variable: raw})


def test_variables_outside_the_fair_prefix_are_ignored() -> None:
    """PORT or DATABASE_URL without the FAIR_ prefix change nothing."""
    settings = load_settings(environ={"PORT": "1", "DATABASE_URL": "postgresql://x/y"})
    assert settings == load_settings(environ={})


def test_relative_sqlite_path_is_made_absolute_under_the_project() -> None:
    """A relative SQLite path is resolved against the project root, not the working directory."""
    settings = load_settings(environ={"FAIR_DATABASE_URL": "sqlite+aiosqlite:///var/other.db"})
    assert settings.database_url == f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'other.db'}"


def test_unknown_key_in_the_config_file_is_refused(tmp_path: Path) -> None:
    """A misspelt key in the settings file is refused, naming it."""
    config = tmp_path / "fair.toml"
    source = (PROJECT_ROOT / "config" / "default.toml").read_text(encoding="utf-8")
    # At the top: after the file's last table, a key would belong to that table.
    config.write_text('secret_kee = "typo"\n' + source, encoding="utf-8")
    with pytest.raises(SettingsError, match="secret_kee"):
        load_settings(environ={}, config_file=config)


def production(**environ: str) -> Settings:
    values = {
        "FAIR_ENV": "production",
        "FAIR_SECRET_KEY": LONG_SECRET,
        "FAIR_COOKIE_SECURE": "true",
        "FAIR_BASE_URL": "https://fair.example.org",
        "FAIR_ALLOWED_ORIGINS": "https://fair.example.org",
    }
    values.update(environ)
    return load_settings(environ=values)


def test_safe_production_settings_pass_the_check() -> None:
    """Production with a long secret, secure cookies and origins starts."""
    settings = production()
    assert settings.production is True
    settings.check()


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"FAIR_SECRET_KEY": INSECURE_SECRET}, "FAIR_SECRET_KEY"),
        ({"FAIR_SECRET_KEY": "k" * 31}, "FAIR_SECRET_KEY"),
        ({"FAIR_COOKIE_SECURE": "false"}, "FAIR_COOKIE_SECURE"),
        ({"FAIR_ALLOWED_ORIGINS": ""}, "FAIR_ALLOWED_ORIGINS"),
        (
            {"FAIR_ALLOWED_ORIGINS": "https://fair.example.org,http://127.0.0.1:8000"},
            "http://127.0.0.1:8000",
        ),
        ({"FAIR_ALLOWED_ORIGINS": "https://localhost:8443"}, "https://localhost:8443"),
        ({"FAIR_ALLOWED_ORIGINS": "https://[::1]:8443"}, "https://[::1]:8443"),
        ({"FAIR_ALLOWED_ORIGINS": "http://fair.example.org"}, "http://fair.example.org"),
        ({"FAIR_BASE_URL": "http://127.0.0.1:8000"}, "http://127.0.0.1:8000"),
    ],
)
def test_production_refuses_unsafe_settings_saying_why(environ: dict[str, str], named: str) -> None:
    """Each unsafe production setting is refused with a message naming the variable to change."""
    with pytest.raises(SettingsError, match="refusing to start in production") as refused:
        production(**environ).check()
    assert named in str(refused.value)


def test_production_names_every_problem_at_once() -> None:
    """Production with the development defaults names the secret and the cookie setting together."""
    with pytest.raises(SettingsError) as refused:
        load_settings(environ={"FAIR_ENV": "production"}).check()
    assert "FAIR_SECRET_KEY" in str(refused.value)
    assert "FAIR_COOKIE_SECURE" in str(refused.value)


def test_production_refuses_the_development_origins() -> None:
    """Production with the default origin list (127.0.0.1, localhost) names them and refuses."""
    values = {"FAIR_ALLOWED_ORIGINS": "http://127.0.0.1:8000,http://localhost:8000"}
    with pytest.raises(SettingsError) as refused:
        production(**values).check()
    assert "http://127.0.0.1:8000" in str(refused.value)
    assert "http://localhost:8000" in str(refused.value)


def test_production_accepts_its_own_plain_http_base_origin() -> None:
    """The fair's own base origin is allowed even on plain http (behind a TLS proxy, say)."""
    production(
        FAIR_BASE_URL="http://fair.example.org", FAIR_ALLOWED_ORIGINS="https://fair.example.org"
    ).check()


def test_development_allows_the_default_secret() -> None:
    """Outside production the development secret and plain cookies are accepted."""
    load_settings(environ={}).check()


def test_app_factory_refuses_unsafe_production_settings() -> None:
    """create_app refuses production settings with the default secret before serving anything."""
    with pytest.raises(SettingsError, match="FAIR_SECRET_KEY"):
        create_app(production(FAIR_SECRET_KEY=INSECURE_SECRET))


def test_origins_include_the_base_urls_origin() -> None:
    """The fair's own origin (scheme, host and port of the base URL) is always allowed."""
    settings = load_settings(environ={}).replace(
        base_url="https://fair.example.org:8443/app/", allowed_origins=("https://cdn.example",)
    )
    assert settings.origins == frozenset({"https://cdn.example", "https://fair.example.org:8443"})


def test_origins_are_the_base_url_alone_when_the_list_is_empty() -> None:
    """With no allowed origins listed, only the base URL's origin is allowed."""
    settings = load_settings(environ={}).replace(
        base_url="http://127.0.0.1:8000", allowed_origins=()
    )
    assert settings.origins == frozenset({"http://127.0.0.1:8000"})


# Origins and CSRF tokens

ALLOWED = frozenset({"https://fair.example.org", "http://127.0.0.1:8000"})


def test_own_origin_is_allowed() -> None:
    """A request from a listed origin is allowed."""
    assert origin_allowed("https://fair.example.org", ALLOWED) is True


def test_missing_origin_is_allowed_as_not_a_browser() -> None:
    """No Origin header means no browser sent it, so there are no cookies to abuse."""
    assert origin_allowed(None, ALLOWED) is True


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "null",
        "",
        "http://fair.example.org",
        "https://fair.example.org.evil.example",
        "https://fair.example.org:444",
        "http://127.0.0.1:8001",
    ],
)
def test_foreign_origin_is_refused(origin: str) -> None:
    """Another site, scheme, port, a lookalike host or an opaque origin is refused."""
    assert origin_allowed(origin, ALLOWED) is False


def test_csrf_token_of_this_browser_is_accepted() -> None:
    """The token made for a browser's visitor id passes the check."""
    check_csrf(LONG_SECRET, "visitor-1", csrf_token(LONG_SECRET, "visitor-1"))


@pytest.mark.parametrize(
    ("visitor", "submitted"),
    [
        ("visitor-1", None),
        ("visitor-1", ""),
        ("visitor-1", "0" * 64),
        ("visitor-1", csrf_token(LONG_SECRET, "visitor-2")),
        ("visitor-1", csrf_token("another secret of sufficient length!!", "visitor-1")),
        (None, csrf_token(LONG_SECRET, "")),
        ("", csrf_token(LONG_SECRET, "")),
    ],
)
def test_wrong_csrf_token_is_refused(visitor: str | None, submitted: str | None) -> None:
    """A missing token, a forged one, another browser's or another fair's is refused."""
    with pytest.raises(Forbidden) as refused:
        check_csrf(LONG_SECRET, visitor, submitted)
    assert refused.value.code == "security.csrf"
    assert refused.value.status == 403


def test_csrf_tokens_differ_per_browser_and_per_secret() -> None:
    """Tokens are tied to both the visitor id and the fair's secret."""
    token = csrf_token(LONG_SECRET, "visitor-1")
    assert token != csrf_token(LONG_SECRET, "visitor-2")
    assert token != csrf_token(LONG_SECRET + "x", "visitor-1")
    assert token == csrf_token(LONG_SECRET, "visitor-1")
