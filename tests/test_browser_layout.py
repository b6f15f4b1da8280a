"""How the app sits on a phone and reads in Dutch (issue 22), in headless Chromium at desktop (1366×900) and
phone (390×844) sizes: the question box and the start of an answer in view together, a case page that brings
its question box within reach, tables that scroll sideways, Dutch names for every control, one name for the
send button, a comment box that closes when sent, sector-wide initiatives shown apart, one font per word."""

from __future__ import annotations

import pytest
from browsing import LONG_CASE, answered, ask, chromium, opened, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SIZES = ["desktop", "phone"]
ENGLISH = ["Scroll down", "Copy table data", "Copied to clipboard", "Fullscreen", "Exit fullscreen mode",
           "chatbot conversation", "Open cell menu"]  # fmt: skip
# How many lines the text of an element takes: a word broken into letters takes more lines than it has words.
LINES = """e => { const r = document.createRange(); r.selectNodeContents(e);
  return [...new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)))].length; }"""
WORDS = "e => e.innerText.trim().split(/\\s+/).length"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("layout"), {"casussen/lange-casus.md": LONG_CASE}) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


# -- 4. the phone ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_the_question_box_and_the_start_of_a_long_answer_are_in_view_together(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        ask(page, "Ik ben leraar, kan ik ook iets in de zorg doen?")
        chat = answered(page)
        page.wait_for_timeout(500)
        height = page.viewport_size["height"]
        box = page.locator("#wibb-vraag textarea").bounding_box()
        frame = chat.bounding_box()
        start = chat.locator(".bot-row").first.bounding_box()
        assert box and frame and start
        assert box["y"] >= 0 and box["y"] + box["height"] <= height  # the box, whole
        assert 0 <= start["y"] < height  # the first line of the answer
        # and a good part of the answer between them, not a slit with its own scrolling
        shown = min(frame["y"] + frame["height"], box["y"], height) - max(start["y"], frame["y"], 0)
        assert shown >= 400, (shown, frame, start, box)


@pytest.mark.parametrize("size", [*SIZES, "small phone"])
def test_every_tab_is_in_view_not_behind_a_menu(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        page.evaluate("document.fonts.ready")
        page.wait_for_timeout(300)
        width = page.viewport_size["width"]
        for name in ("Chat", "Casussen & knoppen", "Toetsen"):
            tab = page.get_by_role("tab", name=name)
            assert tab.is_visible(), name
            box = tab.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
        assert not page.locator(".overflow-menu").is_visible()


@pytest.mark.parametrize("size", SIZES)
def test_a_case_page_brings_its_question_box_within_reach(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        page.get_by_role("tab", name="Casussen & knoppen").click()
        page.locator("#wibb-cards").get_by_text("Lange proefcasus voor de zorg").first.click()
        page.locator("#wibb-browse-doc").get_by_text("Onderdeel 1", exact=True).wait_for()
        page.wait_for_timeout(600)
        height = page.viewport_size["height"]
        question = page.locator("#wibb-scoped").get_by_label("Je vraag")
        placed = question.bounding_box()
        if not (placed and placed["y"] >= 0 and placed["y"] + placed["height"] <= height):
            jump = page.get_by_role("button", name="Stel een vraag over deze tekst")
            jump_box = jump.bounding_box()
            assert jump.is_visible() and jump_box and jump_box["y"] + jump_box["height"] <= height
            jump.click()
            page.wait_for_timeout(600)
            placed = question.bounding_box()
            assert placed and placed["y"] >= 0 and placed["y"] + placed["height"] <= height
            assert question.evaluate("e => e === document.activeElement")  # ready to type
        question.fill("Wat gebeurde er in onderdeel 3 van de proefcasus?")
        page.locator("#wibb-scoped").get_by_role("button", name="Verstuur").click()
        page.locator("#wibb-scoped-answer").get_by_text(
            "In onderdeel 3 van de proefcasus", exact=False
        ).first.wait_for()


@pytest.mark.parametrize("size", SIZES)
def test_tables_keep_their_headers_and_words_whole_and_scroll_sideways(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        page.get_by_role("tab", name="Casussen & knoppen").click()
        page.get_by_label("Tabel").check()
        page.locator("table").first.get_by_text("Peildatum").wait_for()
        page.wait_for_timeout(500)
        headers = page.locator("table th:visible .header")
        assert headers.count() >= 4
        assert [h.evaluate(LINES) for h in headers.all()] == [1] * headers.count(), headers.all_inner_texts()
        # one-word cells ("sectoroverstijgend", "Casus", "2023-11") stay whole
        words = [c for c in page.locator(".table-wrap .text").all() if " " not in c.inner_text().strip()]
        assert words and all(c.evaluate(LINES) == 1 for c in words), [c.inner_text() for c in words]
        viewport = page.locator(".virtual-table-viewport").first
        if size == "phone":  # too wide for the screen: it scrolls sideways
            assert viewport.evaluate("e => e.scrollWidth > e.clientWidth")

        page.get_by_role("tab", name="Toetsen").click()
        page.get_by_text("Geslaagd", exact=True).first.wait_for(state="attached")
        page.wait_for_timeout(500)
        headers = page.locator("table th:visible .header")
        assert headers.count() >= 7  # a header of two words may take two lines, a word is never broken
        assert all(h.evaluate(LINES) <= h.evaluate(WORDS) for h in headers.all()), headers.all_inner_texts()
        assert all(h.evaluate(LINES) == 1 for h in headers.all() if h.inner_text().strip() == "Geslaagd")


# -- 7. Dutch and polish ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_every_control_has_a_dutch_name(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        for question in ("Ik ben leraar, kan ik ook iets in de zorg doen?", "Wat doet een matcher?"):
            ask(page, question)
        answered(page, 2)
        page.locator("#wibb-chat [role=log]").evaluate("e => e.scrollTop = 0")  # Gradio offers "scroll down"
        page.wait_for_timeout(500)
        page.get_by_role("tab", name="Casussen & knoppen").click()
        page.get_by_label("Tabel").check()  # the table's copy and fullscreen buttons
        page.locator("table").first.get_by_text("Peildatum").wait_for()
        page.wait_for_timeout(500)
        named = page.evaluate(
            "[...document.querySelectorAll('[aria-label], [title]')]"
            ".flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title')]).filter(Boolean)"
        )
        assert not [n for n in named if n in ENGLISH or n.startswith(("user's message", "bot's message"))]
        assert "Volledig scherm" in named and "Tabel kopiëren" in named
        assert (
            "common." not in page.locator("body").inner_html()
        )  # e.g. the screen reader's "common.complete"


@pytest.mark.parametrize("size", SIZES)
def test_the_search_query_of_a_follow_up_reads_without_stray_marks(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        ask(page, "ik ben leraar op een mbo, kan ik ook iets in de zorg doen?")
        answered(page)
        ask(page, "Hoeveel uur per week kan dat?")
        chat = answered(page, 2)
        searched = chat.locator(".bot-row").nth(1).get_by_text("Gezocht op:", exact=False).first.inner_text()
        assert searched == (
            "Gezocht op: Ik ben leraar op een mbo. Kan ik ook iets in de zorg doen? Hoeveel uur per week kan dat?"
        )


@pytest.mark.parametrize("size", SIZES)
def test_one_name_for_sending_and_a_sent_comment_closes_its_box(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        # the ask row renders its box before its button: wait for it (a count right away raced on a busy CPU)
        page.get_by_role("button", name="Verstuur", exact=True).first.wait_for()
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        answered(page)
        page.get_by_role("button", name="Vind ik niet leuk").first.click()
        comment = page.get_by_label("Toelichting (optioneel)")
        comment.fill("Het cijfer is oud")
        page.get_by_role("button", name="Toelichting versturen").click()
        page.get_by_text("Je toelichting is opgeslagen").wait_for()
        page.wait_for_timeout(500)
        assert not comment.is_visible()  # closed: the text is not left behind to be sent again
        assert not page.get_by_role("button", name="Toelichting versturen").is_visible()
        page.get_by_role("tab", name="Casussen & knoppen").click()
        page.locator("#wibb-scoped").get_by_role("button", name="Verstuur", exact=True).wait_for()
        assert page.get_by_role("button", name="Vraag", exact=True).count() == 0


@pytest.mark.parametrize("size", SIZES)
def test_initiatives_for_every_sector_are_shown_apart_from_those_of_the_chosen_sector(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        page.get_by_role("tab", name="Casussen & knoppen").click()
        page.get_by_role("combobox", name="Sector").click()
        page.get_by_role("option", name="zorg", exact=True).click()
        page.get_by_text("2 alleen voor zorg en 2 voor alle sectoren").wait_for()
        cards = page.locator("#wibb-cards")
        own, shared = cards.get_by_text("Voor zorg (2)"), cards.get_by_text("Voor alle sectoren (2)")
        own.wait_for()
        order = cards.evaluate(
            "e => [...e.querySelectorAll('h4, .wibb-card')].map(x => x.tagName === 'H4' ? '#' + x.innerText"
            " : x.innerText.split('\\n')[0])"
        )
        assert order == ["#Voor zorg (2)", "Lange proefcasus voor de zorg", "Nationale Zorgreserve",
                         "#Voor alle sectoren (2)", "Knop 1: de matcher", "Knop 4: laagdrempeligheid"]  # fmt: skip
        assert shared.is_visible()


@pytest.mark.parametrize("size", SIZES)
def test_bold_text_keeps_one_font_within_a_word(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        fonts_requested: list[str] = []
        page.on("request", lambda r: fonts_requested.append(r.url) if ".woff" in r.url else None)
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        answered(page)
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        for selector in ("h1", "#wibb-chat strong", "#wibb-send"):
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            assert [f["familyName"] for f in fonts] == ["Source Sans 3"], (selector, fonts)
            assert fonts[0]["postScriptName"].endswith("Bold")
        assert not [u for u in fonts_requested if "SemiBold" in u]
