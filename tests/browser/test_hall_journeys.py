"""People in the exhibition hall: filtering, a booth visit, chat, cards, and the keyboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, Response, expect

from tests.browser.helpers import log_in, record_loads, same_after_reload, wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

BOOTH = "/booths/remesas-solidarias"
INTERVIEW = Path(__file__).parents[2] / "config/demo/hall/media/remesas-solidarias-interview.wav"
PUBLISHED = 14
NEVER_IN_THE_HALL = ("Diaspora Bridges Moldova", "Know Before You Go")  # a draft, an archived one
FILTERED = ("Envoi Malin: compare before you send", "Padala Cooperative")
NOT_FILTERED = ("HomeSave Ghana", "Remesas Solidarias", "Red Andina", "Fair Harvest")


def results(page: Page, count: int) -> Locator:
    """The heading above the grid that counts the booths shown."""
    word = "booth" if count == 1 else "booths"
    return page.get_by_role("heading", name=re.compile(rf"^{count} {word}\b"))


async def see_only(page: Page, shown: tuple[str, ...], hidden: tuple[str, ...]) -> None:
    """The grid shows exactly the booths in `shown`, and none of those in `hidden`."""
    await expect(results(page, len(shown))).to_be_visible()
    await expect(page.get_by_role("article")).to_have_count(len(shown))
    for title in shown:
        await expect(page.get_by_role("article", name=title, exact=True)).to_be_visible()
    for title in hidden:
        await expect(page.get_by_role("article", name=title, exact=True)).to_have_count(0)


async def see_every_published_booth(page: Page) -> None:
    """The grid shows the published booths, and never a draft or an archived one."""
    await expect(results(page, PUBLISHED)).to_be_visible()
    await expect(page.get_by_role("article")).to_have_count(PUBLISHED)
    for title in (*FILTERED, *NOT_FILTERED):
        await expect(page.get_by_role("article", name=title, exact=True)).to_be_visible()
    for title in NEVER_IN_THE_HALL:
        await expect(page.get_by_role("article", name=title, exact=True)).to_have_count(0)


async def test_filters_narrow_the_hall_and_clearing_them_shows_every_published_booth(
    browser: Browser, site: RunningServer
) -> None:
    """Theme, country and organisation type narrow the grid, a word searches, clearing resets."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(site.base_url + "/hall")
    await see_every_published_booth(page)

    await page.get_by_label("Theme").select_option(label="Migrant remittances")
    await page.get_by_label("Country").select_option(label="Italy")
    await page.get_by_label("Organisation type").select_option(label="diaspora association")
    await page.get_by_role("button", name="Show booths").click()
    await see_only(page, FILTERED, NOT_FILTERED)
    await expect(page.get_by_label("Theme")).to_have_value("remittances")
    await expect(page.get_by_label("Country")).to_have_value("IT")
    await expect(page.get_by_label("Organisation type")).to_have_value("diaspora association")

    await page.get_by_role("link", name="clear filters").click()
    await see_every_published_booth(page)
    await page.get_by_label("Search", exact=True).fill("tricycle")
    await page.get_by_role("button", name="Show booths").click()
    await see_only(page, ("Padala Cooperative",), ("Envoi Malin: compare before you send",))

    await page.get_by_role("link", name="clear filters").click()
    await see_every_published_booth(page)
    await expect(page.get_by_label("Search", exact=True)).to_have_value("")
    await expect(page.get_by_role("link", name="clear filters")).to_have_count(0)
    await context.close()


async def test_a_booth_shows_its_project_and_its_interview_plays_from_a_range_request(
    browser: Browser, site: RunningServer
) -> None:
    """From the grid, a booth shows its description, consortium and documents, and plays audio."""
    context = await browser.new_context()
    page = await context.new_page()
    media: list[Response] = []
    page.on("response", lambda r: media.append(r) if r.request.resource_type == "media" else None)
    await page.goto(site.base_url + "/hall")
    await page.get_by_role("link", name="Remesas Solidarias", exact=True).click()

    await expect(page).to_have_url(site.base_url + BOOTH)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Remesas Solidarias")
    about = page.get_by_role("region", name="About the project")
    await expect(about).to_contain_text("helps Mexican families in the United States")
    await expect(about.get_by_role("heading", name="The consortium")).to_be_visible()
    consortium = about.get_by_role("list").last
    await expect(consortium.get_by_role("listitem")).to_have_text(
        [
            "Remesas Solidarias A.C. — NGO, Mexico",
            "Club Valle Verde Unido — diaspora association, United States",
            "Caja Popular Raíces del Valle — private sector, Mexico",
            "Municipality of Santa Rosa del Valle — local authority, Mexico",
        ]
    )

    files = page.get_by_role("region", name="Interviews and documents")
    report = files.get_by_role("link", name="Annual report 2025: what it costs to send money home")
    async with page.expect_download() as download:
        await report.click()
    assert (await download.value).suggested_filename == "remesas-solidarias-report-2025.pdf"

    interview = files.get_by_role(
        "figure", name="Interview: Jorge Ramírez, coordinator of Remesas Solidarias"
    )
    audio = interview.locator("audio")
    await expect(audio).to_have_js_property("paused", True)
    await audio.click(position={"x": 27, "y": 27})  # the play button of Chromium's controls
    await expect(audio).to_have_js_property("paused", False)
    await expect(audio).not_to_have_js_property("currentTime", 0)

    assert media, "the audio played without a media response"
    for response in media:
        content_range = await response.header_value("content-range") or ""
        assert (await response.request.header_value("range") or "").startswith("bytes=")
        assert response.status == 206, response.url
        assert re.fullmatch(rf"bytes \d+-\d+/{INTERVIEW.stat().st_size}", content_range)
    await context.close()


async def test_chat_messages_appear_and_disappear_for_everyone_at_the_booth_without_reloading(
    browser: Browser, site: RunningServer
) -> None:
    """A participant's message reaches the team live, the team removes one with a reason (its
    author is told why), counts follow."""
    visitor = await browser.new_context(timezone_id="Africa/Dakar")
    team = await browser.new_context(timezone_id="America/Mexico_City")
    amina, jorge = await visitor.new_page(), await team.new_page()
    await log_in(amina, site.base_url, "participant@demo.fair", "demo-participant", BOOTH)
    await wait_until_live(amina)
    amina_loads = await record_loads(amina)
    here_for_amina = amina.get_by_role("complementary", name="At the booth now")
    await expect(here_for_amina).to_contain_text(re.compile(r"Visitors here now:\s*1\b"))
    await expect(here_for_amina).to_contain_text(re.compile(r"Staff online now:\s*0\b"))

    await log_in(jorge, site.base_url, "exhibitor@demo.fair", "demo-exhibitor", BOOTH)
    await wait_until_live(jorge)
    jorge_loads = await record_loads(jorge)
    await expect(here_for_amina).to_contain_text(re.compile(r"Visitors here now:\s*2\b"))
    await expect(here_for_amina).to_contain_text(re.compile(r"Staff online now:\s*1\b"))
    here_for_jorge = jorge.get_by_role("complementary", name="At the booth now")
    await expect(here_for_jorge).to_contain_text(re.compile(r"Visitors here now:\s*2\b"))

    question = "Hola! Can a hometown club in Texas join the group rate?"
    spam = "Cheap followers for your page at example.com/boost"
    for text in (question, spam):
        await amina.get_by_label("Your message", exact=True).fill(text)
        await amina.get_by_role("button", name="Send").click()
        await expect(amina.get_by_label("Your message", exact=True)).to_have_value("")
    chat_for_amina = amina.get_by_role("region", name="Booth chat")
    chat_for_jorge = jorge.get_by_role("region", name="Booth chat")
    for chat in (chat_for_amina, chat_for_jorge):
        await expect(chat.get_by_role("listitem")).to_have_count(2)
        await expect(chat.get_by_role("listitem").first).to_contain_text("Amina Diallo")
        await expect(chat.get_by_role("listitem").first).to_contain_text(question)
        await expect(chat.get_by_text("No messages yet")).to_have_count(0)
    await expect(chat_for_amina.get_by_text("Remove", exact=True)).to_have_count(0)

    unwanted = chat_for_jorge.get_by_role("listitem").filter(has_text=spam)
    await unwanted.get_by_text("Remove", exact=True).click()
    await unwanted.get_by_label("Why? (the author is told)").fill("Advertising")
    await unwanted.get_by_role("button", name="Remove the message").click()
    await expect(chat_for_amina.locator("[data-moderation-notice]")).to_contain_text("Advertising")
    for chat in (chat_for_amina, chat_for_jorge):
        await expect(chat.get_by_text(spam)).to_have_count(0)
        await expect(chat.get_by_role("listitem")).to_have_count(1)
        await expect(chat.get_by_text(question)).to_be_visible()
    assert amina_loads == [] and jorge_loads == []

    await same_after_reload(jorge, chat_for_jorge.get_by_role("list"))
    await expect(here_for_jorge).to_contain_text(re.compile(r"Visitors here now:\s*2\b"))
    await same_after_reload(amina, chat_for_amina.get_by_role("list"))
    await expect(here_for_amina).to_contain_text(re.compile(r"Visitors here now:\s*2\b"))
    await visitor.close()
    await team.close()


async def test_a_card_left_at_a_booth_reaches_the_open_dashboard_and_its_answer_the_visitor(
    browser: Browser, site: RunningServer
) -> None:
    """A card with shared details appears on the team's open dashboard; the answer reaches
    her open booth page live."""
    team = await browser.new_context(timezone_id="America/Mexico_City")
    board = await team.new_page()
    await log_in(board, site.base_url, "exhibitor@demo.fair", "demo-exhibitor", BOOTH)
    await board.get_by_role("link", name="Dashboard").click()
    await expect(board.get_by_role("heading", level=1)).to_have_text("Dashboard")
    watcher = await team.new_page()  # a second tab that only ever changes live
    await watcher.goto(board.url)
    board_loads, watcher_loads = await record_loads(board), await record_loads(watcher)
    for page in (board, watcher):
        await wait_until_live(page)
        cards = page.get_by_role("region", name=re.compile("^Cards left at the booth"))
        await expect(cards).to_contain_text("No cards yet")

    visitor = await browser.new_context(timezone_id="Africa/Dakar")
    amina = await visitor.new_page()
    await log_in(amina, site.base_url, "participant@demo.fair", "demo-participant", BOOTH)
    message = "We run a youth network in Dakar: could we adapt your cost comparison?"
    mine = amina.get_by_role("region", name="Leave your card")
    await mine.get_by_label("Your message to the team").fill(message)
    await mine.get_by_label("Share my name, organisation and e-mail with this team").check()
    await mine.get_by_role("button", name="Leave my card").click()
    await expect(amina.get_by_role("status").filter(has_text="Your card was left")).to_be_visible()
    await expect(mine.get_by_role("listitem").filter(has_text=message)).to_contain_text(
        "Not answered yet."
    )

    for page in (board, watcher):
        cards = page.get_by_role("region", name=re.compile("^Cards left at the booth"))
        card = cards.get_by_role("listitem").filter(has_text=message)
        await expect(card).to_contain_text("Amina Diallo, Diaspora Youth Network")
        await expect(card.get_by_role("link", name="participant@demo.fair")).to_be_visible()
        await expect(cards.get_by_role("heading")).to_contain_text("(1)")
        await expect(cards).not_to_contain_text("No cards yet")
    assert board_loads == [] and watcher_loads == []

    answer = "Gladly! Jorge will write to you this week with the survey method."
    amina_loads = await record_loads(amina)
    card = board.get_by_role("listitem").filter(has_text=message)
    await card.get_by_label("Answer", exact=True).fill(answer)
    await card.get_by_role("button", name="Send the answer").click()
    await expect(board.get_by_role("listitem").filter(has_text=message)).to_contain_text(
        f"Your answer: {answer}"
    )
    await expect(watcher.get_by_role("listitem").filter(has_text=message)).to_contain_text(
        f"Your answer: {answer}"
    )
    await expect(watcher.get_by_role("button", name="Send the answer")).to_have_count(0)
    assert watcher_loads == []

    # The answer reaches her open booth page live, and reads the same after a reload.
    await expect(mine.get_by_role("listitem").filter(has_text=message)).to_contain_text(
        f"Answer: {answer}"
    )
    await expect(mine).not_to_contain_text("Not answered yet.")
    assert amina_loads == []
    await same_after_reload(amina, mine)

    await same_after_reload(
        watcher, watcher.get_by_role("region", name=re.compile("^Cards left at the booth"))
    )
    await visitor.close()
    await team.close()


async def test_the_hall_filters_work_with_the_keyboard_alone_and_the_skip_link_reaches_content(
    browser: Browser, site: RunningServer
) -> None:
    """Tab reaches the skip link, which focuses the content; the filters are set by keyboard."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(site.base_url + "/hall")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("main")).to_be_focused()

    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Search", exact=True)).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Theme")).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(page.get_by_label("Theme")).to_have_value("remittances")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Country")).to_be_focused()
    await page.keyboard.type("Italy")
    await expect(page.get_by_label("Country")).to_have_value("IT")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Organisation type")).to_be_focused()
    await page.keyboard.type("diaspora")
    await expect(page.get_by_label("Organisation type")).to_have_value("diaspora association")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Sort by")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Show booths")).to_be_focused()
    await page.keyboard.press("Space")
    await see_only(page, FILTERED, NOT_FILTERED)
    await expect(page).to_have_url(re.compile(r"theme=remittances&country=IT&kind=diaspora"))

    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("main")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Search", exact=True)).to_be_focused()
    await page.keyboard.type("tricycle")
    await page.keyboard.press("Enter")
    await see_only(page, ("Padala Cooperative",), ("Envoi Malin: compare before you send",))
    await context.close()
