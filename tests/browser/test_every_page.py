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

import axe_playwright_python
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from tests.browser.conftest import CHROMIUM, FLAGS
from tests.browser.helpers import log_in
from tests.conftest import make_settings
from tests.support import databases
from tests.support.servers import RunningServer, serve
from tests.support.site_pages import ROLES, site_pages

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

AXE_WIDTHS = (1280, 390)
WIDTHS = {"en": (1280, 390, 320), "fr": (390, 320), "es": (390, 320)}
HEIGHT = 800
SERIOUS = ("serious", "critical")
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
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
    found: list[dict[str, Any]] = await page.evaluate(AXE_RUN)
    return [
        f"{where}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in found
    ]


@pytest.mark.parametrize("role", list(ROLES))
async def test_every_page_fits_a_phone_and_passes_axe(
    role: str, demo_site: RunningServer, chromium: Browser
) -> None:
    """Each page the role can reach passes axe at 1280 and 390 px and never scrolls sideways,
    at 320, 390 and 1280 px in English and at 390 and 320 px in French and Spanish."""
    email, password = ROLES[role]
    base = demo_site.base_url
    urls = await site_pages(base, email, password, limit_per_pattern=1)
    assert len(urls) > 3, urls
    context = await chromium.new_context(viewport={"width": 1280, "height": HEIGHT})
    try:
        page = await context.new_page()
        page.set_default_timeout(10_000)
        if email is not None and password is not None:
            await log_in(page, base, email, password)
        problems: list[str] = []
        for language, widths in WIDTHS.items():
            await context.add_cookies([{"name": "fair_language", "value": language, "url": base}])
            for url in urls:
                path = url.removeprefix(base)
                await page.set_viewport_size({"width": widths[0], "height": HEIGHT})
                response = await page.goto(url)
                assert response is not None and response.ok, f"{role} {path}: {response}"
                served = await page.get_attribute("html", "lang")
                assert served == language, f"{role} {path}: served in {served}, not {language}"
                for width in widths:
                    if width != widths[0]:
                        await page.set_viewport_size({"width": width, "height": HEIGHT})
                    where = f"{path} as {role} at {width} px in {language}"
                    problems += await overflow(page, where)
                    if language == "en" and width in AXE_WIDTHS:
                        problems += await violations(page, where)
    finally:
        await context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
