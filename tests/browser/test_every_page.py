"""Every page, for every role, in headless Chromium: no serious or critical axe-core violation at
1280 and 390 px, and no horizontal scrolling at 320, 390 and 1280 px in English, nor at 390 and
320 px in French and Spanish (whose labels are longer).

One server and one browser serve the whole module; each role crawls the pages it can reach
(`site_pages`, one page per route pattern), loads each page once per language in one tab and
resizes that tab for each width. axe runs once per page and width, in English only: the rules
it checks (names, roles, contrast, order) do not change with the language."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from tests.browser.conftest import CHROMIUM, FLAGS
from tests.browser.helpers import log_in
from tests.conftest import make_settings
from tests.support import databases
from tests.support.servers import RunningServer, serve
from tests.support.site_pages import ROLES, crawl, pattern_of

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

AXE_WIDTHS = (1280, 390)
WIDTHS = {"en": (1280, 390, 320), "fr": (390, 320), "es": (390, 320)}
HEIGHT = 800
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
# Serious and critical violations fail, and so does a heading that skips a level (moderate).
ALSO = ("heading-order",)
AXE_RUN = """async (also) => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || also.includes(v.id))
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  targets: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
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

# What a page is made of, text left out: two roles shown the same shape of a route's page (a
# participant's and a panelist's hall) need it checked only once.
SHAPE = """() => [...new Set([...document.body.querySelectorAll("*")].map((el) =>
  [el.tagName, ...el.classList, el.getAttribute("role"), el.getAttribute("type"),
   el.hidden].join(" ")))].sort().join("|")"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def demo_site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningServer]:
    url = databases.sqlite_copy(sqlite_template, tmp_path_factory.mktemp("every-page"))
    async with serve(make_settings(url)) as running:
        from fair.cli import load_demo

        await load_demo(running.services.settings)
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
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


async def violations(page: Page, where: str) -> list[str]:
    """A sentence per serious or critical axe-core violation of the page as it is now."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE_SCRIPT)
    found: list[dict[str, Any]] = await page.evaluate(AXE_RUN, list(ALSO))
    return [
        f"{where}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in found
    ]


@pytest.fixture(scope="module")
def checked() -> set[tuple[str, str]]:
    """The (route pattern, page shape) pairs checked so far in this module, by any role."""
    return set()


@pytest.mark.parametrize("role", list(ROLES))
async def test_every_page_fits_a_phone_and_passes_axe(
    role: str, demo_site: RunningServer, chromium: Browser, checked: set[tuple[str, str]]
) -> None:
    """Each page the role can reach passes axe at 1280 and 390 px and never scrolls sideways,
    at 320, 390 and 1280 px in English and at 390 and 320 px in French and Spanish."""
    email, password = ROLES[role]
    base = demo_site.base_url
    context = await chromium.new_context(viewport={"width": 1280, "height": HEIGHT})
    problems: list[str] = []
    mine: list[str] = []
    try:
        page = await context.new_page()
        page.set_default_timeout(10_000)
        if email is not None and password is not None:
            await log_in(page, base, email, password)

        async def load(url: str, language: str) -> bool:
            response = await page.goto(url)
            if response is None or not response.ok:
                return False
            if not (response.headers.get("content-type") or "").startswith("text/html"):
                return False
            served = await page.get_attribute("html", "lang")
            assert served == language, f"{url} as {role}: served in {served}, not {language}"
            return True

        async def check(url: str, language: str, widths: tuple[int, ...]) -> None:
            path = url.removeprefix(base)
            for width in widths:
                await page.set_viewport_size({"width": width, "height": HEIGHT})
                where = f"{path} as {role} at {width} px in {language}"
                problems.extend(await overflow(page, where))
                if language == "en" and width in AXE_WIDTHS:
                    problems.extend(await violations(page, where))

        async def visit(url: str) -> str | None:
            """The English pass, which is also the crawl: a page of a shape no role had yet is
            checked (and checked again in French and Spanish below)."""
            await page.set_viewport_size({"width": 1280, "height": HEIGHT})
            if not await load(url, "en"):
                return None
            key = (pattern_of(urlsplit(url).path), await page.evaluate(SHAPE))
            if key not in checked:
                checked.add(key)
                mine.append(url)
                await check(url, "en", WIDTHS["en"])
            return await page.content()

        urls = await crawl(base, visit, limit_per_pattern=1)
        assert len(urls) > 3, urls
        for language in ("fr", "es"):
            await context.add_cookies([{"name": "fair_language", "value": language, "url": base}])
            for url in mine:
                await page.set_viewport_size({"width": WIDTHS[language][0], "height": HEIGHT})
                assert await load(url, language), f"{url} as {role} in {language}: not a page"
                await check(url, language, WIDTHS[language])
    finally:
        await context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
