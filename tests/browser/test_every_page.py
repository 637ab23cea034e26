"""Every page, for every role, in headless Chromium: no serious or critical axe-core violation
(nor a skipped heading level) at 1280 and 390 px, and no horizontal scrolling at 1280, 390 and
320 px in English, nor at 390 and 320 px in French and Spanish, whose labels are longer.

The work is cut to what can differ. Each role's pages are found by the crawler of
tests/support/site_pages.py (one page per route pattern); a page whose route and shape (its
elements and classes, text left out) an earlier role already had is not checked again (a
participant's and a panelist's hall are one page). Each page is loaded once per language in one
tab, which is resized for each width; axe runs in English only (the rules it checks do not
change with the language), and at 390 px only where the narrow layout can change the outcome.
Two tabs work at once, each on its own pages, while the crawler reads the next role's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import axe_playwright_python
import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.browser.conftest import CHROMIUM, FLAGS
from tests.conftest import make_settings
from tests.support import databases
from tests.support.servers import RunningServer, serve
from tests.support.site_pages import ROLES, crawl, log_in, pattern_of

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

WIDTHS = {"en": (1280, 390, 320), "fr": (390, 320), "es": (390, 320)}
WIDE, NARROW = 1280, 390
HEIGHT = 800
TABS = 2
# The pages are what is checked, not the fair's background work: every job and consumer is off.
JOBS = (
    *("notifications", "notifications.digest", "attendance.sample", "mail.send"),
    *("qa.panel_schedule", "discussions.round_schedule", "discussions.handbook_exports"),
)
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
# Serious and critical violations fail, and so does a heading that skips a level (moderate).
# At 390 px the colours are those checked at 1280 px, so contrast (most of axe's time) is
# checked again only in the header, whose narrow layout shows what the wide one hides.
AXE_RUN = """async ([narrow]) => {
  const keep = (v) => ["serious", "critical"].includes(v.impact) || v.id === "heading-order";
  const report = (results) => results.violations.filter(keep).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
  const options = {resultTypes: ["violations"]};
  if (!narrow) return report(await axe.run(document, options));
  const page = await axe.run(document, {...options, rules: {"color-contrast": {enabled: false}}});
  if (!document.querySelector("header.site")) return report(page);
  const header = await axe.run("header.site", {...options, runOnly: ["color-contrast"]});
  return [...report(page), ...report(header)];
}"""
# The widest element that makes the page scroll sideways: of the elements reaching past the
# viewport's right edge (and not inside a box that scrolls or clips them), the innermost one.
WIDEST = """() => {
  const width = window.innerWidth;
  const total = document.documentElement.scrollWidth;
  if (total <= width) return null;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (el) => {
    const parts = [];
    for (let at = el; at && at !== document.body && parts.length < 5; at = at.parentElement) {
      parts.unshift(at.tagName.toLowerCase() + (at.id ? "#" + at.id : "") +
        [...at.classList].map((c) => "." + c).join(""));
    }
    return parts.join(" > ");
  };
  const over = [...document.body.querySelectorAll("*")].filter(
    (el) => el.getBoundingClientRect().right > width + 1 && !clipped(el));
  const innermost = over.filter((el) => !over.some((other) => other !== el && el.contains(other)));
  innermost.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  const worst = innermost[0];
  return {scrollWidth: total, element: worst ? name(worst) : "(none found)",
          right: worst ? Math.round(worst.getBoundingClientRect().right) : null,
          text: worst ? (worst.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60) : ""};
}"""


class Shape(HTMLParser):
    """What a page's body is made of, text left out: each kind of element (tag, classes, role,
    type, hidden) once."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: set[str] = set()
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_body = self.in_body or tag == "body"
        if self.in_body:
            values = dict(attrs)
            classes = sorted((values.get("class") or "").split())
            flags = [values.get("role") or "", values.get("type") or "", str("hidden" in values)]
            self.kinds.add(" ".join([tag, *classes, *flags]))


def shape_of(html: str) -> str:
    parser = Shape()
    parser.feed(html)
    return "|".join(sorted(parser.kinds))


@dataclass
class Visit:
    """A page to check, as the first role that was shown a page of its route and shape."""

    role: str
    url: str
    path: str


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def demo_site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningServer]:
    url = databases.sqlite_copy(sqlite_template, tmp_path_factory.mktemp("every-page"))
    async with serve(make_settings(url, jobs_off=JOBS)) as running:
        from fair.cli import load_demo

        await load_demo(running.services.settings)
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        # Without the back-forward cache a navigation can stay in the tab's renderer process
        # rather than start a new one while the old page is kept.
        args = [*FLAGS, "--disable-back-forward-cache"]
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            yield browser
        finally:
            await browser.close()


async def overflow(page: Page, where: str) -> list[str]:
    """A sentence naming the widest element if the page scrolls sideways, else nothing."""
    found: dict[str, Any] | None = await page.evaluate(WIDEST)
    if found is None:
        return []
    return [
        f"{where}: scrollWidth {found['scrollWidth']} > innerWidth; widest: {found['element']}"
        f" (right edge {found['right']} px) {found['text']!r}"
    ]


async def account_shown(page: Page, where: str) -> list[str]:
    """A sentence if the header hides the viewer's name or "Log out" (outside the menu)."""
    if not await page.locator("header.site").count():
        return []
    shown = await page.evaluate(
        """() => [".who", "form[action='/logout'] button"].map((s) => {
             const el = document.querySelector("header.site " + s);
             return !!el && el.checkVisibility();
           })"""
    )
    return [] if all(shown) else [f"{where}: the name or Log out is hidden in the header"]


async def violations(page: Page, where: str, narrow: bool) -> list[str]:
    """A sentence per failing axe-core violation of the page as it is now."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE_SCRIPT)
    found: list[dict[str, Any]] = await page.evaluate(AXE_RUN, [narrow])
    return [
        f"{where}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in found
    ]


async def find_visits(
    base: str, queue: asyncio.Queue[Visit | None], cookies: dict[str, Any]
) -> int:
    """Crawl as each role in turn, queueing the pages of a (route, shape) no role had yet, and
    keep each role's session cookies for its tabs. Returns how many pages were found."""
    seen: set[tuple[str, str]] = set()
    found = 0
    try:
        for role, (email, password) in ROLES.items():
            found += await find_visits_as(base, role, email, password, queue, cookies, seen)
    finally:
        for _tab in range(TABS):
            await queue.put(None)
    return found


async def find_visits_as(
    base: str,
    role: str,
    email: str | None,
    password: str | None,
    queue: asyncio.Queue[Visit | None],
    cookies: dict[str, Any],
    seen: set[tuple[str, str]],
) -> int:
    """One role's part of `find_visits`."""
    async with httpx.AsyncClient(base_url=base) as http:
        if email is not None and password is not None:
            await log_in(http, email, password)
        cookies[role] = [{"name": c.name, "value": c.value, "url": base} for c in http.cookies.jar]

        async def fetch(url: str) -> str | None:
            response = await http.get(url)
            if response.status_code != 200:
                return None
            if not response.headers.get("content-type", "").startswith("text/html"):
                return None
            path = urlsplit(url).path
            key = (pattern_of(path), shape_of(response.text))
            if key not in seen:
                seen.add(key)
                await queue.put(Visit(role, url, url.removeprefix(base)))
            return response.text

        urls = await crawl(base, fetch, limit_per_pattern=1)
        assert len(urls) > 3, f"{role} reaches only {urls}"
        return len(urls)


async def check(page: Page, visit: Visit, language: str) -> list[str]:
    """Load the page in `language` and check it at each of that language's widths."""
    problems: list[str] = []
    await page.set_viewport_size({"width": WIDTHS[language][0], "height": HEIGHT})
    response = await page.goto(visit.url)
    assert response is not None and response.ok, f"{visit.path} as {visit.role}: {response}"
    served = await page.get_attribute("html", "lang")
    assert served == language, f"{visit.path} as {visit.role}: in {served}, not {language}"
    for width in WIDTHS[language]:
        if width != WIDTHS[language][0]:
            await page.set_viewport_size({"width": width, "height": HEIGHT})
        where = f"{visit.path} as {visit.role} at {width} px in {language}"
        problems += await overflow(page, where)
        if width == min(WIDTHS[language]) and ROLES[visit.role][0] is not None:
            problems += await account_shown(page, where)
        if language == "en" and width in (WIDE, NARROW):
            problems += await violations(page, where, narrow=width == NARROW)
    return problems


async def tab(
    browser: Browser, base: str, queue: asyncio.Queue[Visit | None], cookies: dict[str, Any]
) -> list[str]:
    """Check the queued pages one after the other, in a tab of the visit's role."""
    problems: list[str] = []
    contexts: dict[str, tuple[BrowserContext, Page]] = {}
    try:
        while (visit := await queue.get()) is not None:
            if visit.role not in contexts:
                context = await browser.new_context(viewport={"width": WIDE, "height": HEIGHT})
                await context.add_cookies(cookies[visit.role])
                page = await context.new_page()
                page.set_default_timeout(10_000)
                contexts[visit.role] = (context, page)
            context, page = contexts[visit.role]
            for language in WIDTHS:
                await context.add_cookies(
                    [{"name": "fair_language", "value": language, "url": base}]
                )
                problems += await check(page, visit, language)
    finally:
        for context, _page in contexts.values():
            await context.close()
    return problems


async def test_no_page_scrolls_sideways_or_fails_axe_for_any_role(
    demo_site: RunningServer, chromium: Browser
) -> None:
    """For every role, every page passes axe at 1280 and 390 px and never scrolls sideways,
    at 1280, 390 and 320 px in English and at 390 and 320 px in French and Spanish; at 320 px
    the viewer's name and "Log out" are in sight."""
    base = demo_site.base_url
    queue: asyncio.Queue[Visit | None] = asyncio.Queue()
    cookies: dict[str, Any] = {}
    crawling = asyncio.create_task(find_visits(base, queue, cookies))
    tabs = [asyncio.create_task(tab(chromium, base, queue, cookies)) for _ in range(TABS)]
    found = await crawling
    problems = [problem for done in await asyncio.gather(*tabs) for problem in done]
    assert found > 30
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
