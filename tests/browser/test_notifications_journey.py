"""The bell: a reply rings it live on whatever page one has open; the notifications page takes
one to the reply and the bell reads one less, the same after a reload."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select

from discussions.actions import posts
from discussions.inputs import Posting
from discussions.models import Round
from discussions.rules import RoundState
from fair.core.accounts.demo import demo_viewer
from fair.core.consumers import caught_up
from fair.core.notifications.consumer import notifications_consumer
from fair.core.notifications.queries import notification_page
from tests.browser.helpers import log_in, same_after_reload, wait_until_live
from tests.support.jobs import until
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser


async def test_a_reply_rings_the_bell_live_and_the_list_leads_to_it(
    browser: Browser, site: RunningServer
) -> None:
    """Amina waits on the hall page with the demo's notifications and starts a thread (which
    tells her nothing); Jorge's reply to it adds one to her bell without a reload; she opens
    it from the list, lands on the reply, and the bell is one lower."""
    db = site.services.db
    amina_viewer = await demo_viewer(db, "participant@demo.fair")
    jorge = await demo_viewer(db, "exhibitor@demo.fair")
    assert amina_viewer.user_id is not None
    amina_id = amina_viewer.user_id

    consumer = notifications_consumer(site.services.notifiers, site.services.notice_kinds)
    assert consumer is not None
    await until(lambda: caught_up(db, consumer), within=30)
    before = (await notification_page(db, amina_id, 1)).unread

    context = await browser.new_context()
    page = await context.new_page()
    await log_in(page, site.base_url, "participant@demo.fair", "demo-participant", "/hall")
    await wait_until_live(page)
    bell = page.locator("[data-bell-count]")
    await expect(bell).to_have_text(str(before))

    async with db.reading() as session:
        round_id = await session.scalar(
            select(Round.id).where(Round.state == RoundState.OPEN.value).order_by(Round.id)
        )
    assert round_id is not None
    thread = await posts.post_contribution(
        db, amina_viewer, Posting(round_id=round_id, body="Partnerships need trust first.")
    )
    thread_id = thread.id
    reply = await posts.post_contribution(
        db,
        jorge,
        Posting(round_id=round_id, body="Trust grows with time, Amina.", reply_to_id=thread_id),
    )
    await expect(bell).to_have_text(str(before + 1))

    await page.get_by_role("link", name=re.compile("Notifications")).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    await page.get_by_role("button", name=re.compile("replied to your post")).first.click()
    await expect(page).to_have_url(re.compile(rf"#post-{reply.id}$"))
    await wait_until_live(page)
    await expect(page.locator("[data-bell-count]")).to_have_text(str(before))
    await same_after_reload(page, page.locator("[data-bell]"))
    await context.close()
