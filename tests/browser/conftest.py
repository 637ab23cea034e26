"""Headless Chromium (Debian's) driven by Playwright, against a real server on a loopback port."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

from tests.conftest import DemoFair
from tests.support.servers import RunningServer, serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def site(demo_fair: DemoFair) -> AsyncIterator[RunningServer]:
    """The demo fair, served with every job running."""
    async with serve(demo_fair.settings(jobs_off=())) as running:
        yield running
