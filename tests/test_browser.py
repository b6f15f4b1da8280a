"""End to end in headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser): ask a
question, see the answer with its sources, give a 👍 and find it stored; text with HTML from a
knowledge file or a question does not run; the page is Dutch and loads nothing from outside 127.0.0.1."""

from __future__ import annotations

import shutil
import time

import pytest
from browsing import chromium, opened
from conftest import TINY, fake_settings, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EVIL_DOC = """---
id: kwaadaardig
titel: 'Testcasus <img src=x onerror="window.__xss=1"> en <script>window.__xss=2</script>'
soort: casus
sector: [zorg]
doelgroep: [professional]
knoppen: [matcher]
bronnen:
  - titel: 'Bron <script>window.__xss=3</script>'
    url: null
peildatum: 2024-01
---
# Testcasus

Het kwaadaardige proefproject telde 42 deelnemers <img src=x onerror="window.__xss=4">.
Daarna <script>window.__xss=5</script> volgde [een link](javascript:window.__xss=6) naar niets.
"""
EVIL_QUESTION = 'Hoeveel deelnemers telde het kwaadaardige proefproject <img src=y onerror="window.__xss=7">?'


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app, as `wibb serve` starts it, over the tiny corpus plus a knowledge file full of HTML."""
    from assistant.embedding import create_embedder
    from assistant.factory import build_store
    from assistant.ingest.indexing import ingest
    from assistant.web.app import build_demo, launch

    root = tmp_path_factory.mktemp("browser")
    knowledge = root / "kennis"
    shutil.copytree(TINY, knowledge)
    (knowledge / "casussen" / "kwaadaardig.md").write_text(EVIL_DOC, encoding="utf-8")
    settings = fake_settings(root / "data", knowledge)
    report = ingest(knowledge, build_store(settings), create_embedder(settings.embedding))
    assert report.documents == 7 and not report.problems
    port = free_port()
    demo = build_demo(None, settings)
    launch(settings, port=port, demo=demo, block=False)
    yield f"http://127.0.0.1:{port}", settings
    demo.close()


@pytest.fixture
def page(app_url):
    with chromium() as browser:
        # An English browser on purpose: the app must still be Dutch.
        context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.requests = []  # type: ignore[attr-defined]
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("request", lambda request: page.requests.append(request.url))  # type: ignore[attr-defined]
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
        page.set_default_timeout(30_000)
        yield page
        context.close()


def ask(page, question: str) -> None:
    box = page.locator("#wibb-vraag textarea")
    box.fill(question)
    box.press("Enter")


def assert_local_only(page, base: str) -> None:
    outside = [u for u in page.requests if not u.startswith((base + "/", "data:", "blob:"))]
    assert outside == [], f"requests that left 127.0.0.1: {outside}"
    assets = page.evaluate(
        "[...document.querySelectorAll('link[href],script[src],img[src]')].map(e => e.href || e.src)"
    )
    assert all(a.startswith((base + "/", "data:", "blob:")) for a in assets), assets
    fonts = page.evaluate("[...document.fonts].map(f => f.family)")
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href).filter(Boolean)")
    assert all(s.startswith(base + "/") for s in sheets), (sheets, fonts)


def test_ask_see_sources_and_give_a_thumbs_up(page, app_url):
    from assistant.feedback.store import FeedbackStore

    base, settings = app_url
    started = time.perf_counter()
    page.goto(base + "/")
    page.locator("#wibb-vraag textarea").wait_for()
    loaded = time.perf_counter() - started
    assert page.evaluate("document.documentElement.lang") == "nl"
    placeholder = page.locator("#wibb-vraag textarea").get_attribute("placeholder")
    assert placeholder and placeholder.startswith("Stel je vraag over werken in breder belang")

    ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
    chat = page.locator("#wibb-chat")
    chat.get_by_text("3500", exact=False).first.wait_for()
    chat.get_by_text("Bronnen (").first.click()  # the folded sources block opens on a click
    chat.get_by_text("peildatum", exact=False).first.wait_for()
    assert chat.get_by_text("Nationale Zorgreserve", exact=False).first.is_visible()
    assert chat.get_by_role("link", name="Nationale Zorgreserve", exact=True).first.is_visible()

    page.get_by_role("button", name="Vind ik leuk").first.click()  # Gradio's own 👍, in Dutch
    page.get_by_text("Bedankt voor je").first.wait_for()
    store = FeedbackStore(settings.feedback_db)
    deadline = time.time() + 10
    while not store.entries() and time.time() < deadline:
        time.sleep(0.1)
    [entry] = store.entries()
    assert (entry.rating, entry.question) == (1, "Hoeveel zorgreservisten zijn er ingeschreven?")
    assert "3500" in entry.answer and "zorgreserve" in entry.cited

    page.get_by_label("Toelichting (optioneel)").fill("Duidelijk, dank je")
    page.get_by_role("button", name="Toelichting versturen").click()
    page.get_by_text("Je toelichting is opgeslagen").wait_for()
    assert store.entries()[0].comment == "Duidelijk, dank je"

    chat.get_by_role("link", name="Nationale Zorgreserve", exact=True).first.click()  # opens the full text
    page.locator("#wibb-doc").get_by_text("Omvang").first.wait_for()
    assert loaded < 15
    assert_local_only(page, base)


def test_html_in_knowledge_and_questions_is_shown_not_run(page, app_url):
    base, _ = app_url
    page.goto(base + "/")
    ask(page, EVIL_QUESTION)
    chat = page.locator("#wibb-chat")
    chat.get_by_text("42 deelnemers", exact=False).first.wait_for()
    assert chat.get_by_text('<img src=y onerror="window.__xss=7">', exact=False).count() >= 1  # the question
    assert chat.get_by_text('<img src=x onerror="window.__xss=4">', exact=False).count() >= 1  # the passage
    link = chat.get_by_role("link", name="Testcasus", exact=False).first
    link.click()
    doc = page.locator("#wibb-doc")
    doc.get_by_text("window.__xss=6", exact=False).first.wait_for()
    assert page.locator("a[href^='javascript' i]").count() == 0  # `i`: JavaScript:, JAVASCRIPT: too

    page.get_by_role("tab", name="Casussen & knoppen").click()
    cards = page.locator("#wibb-cards")
    cards.get_by_text('<img src=x onerror="window.__xss=1">', exact=False).first.wait_for()
    page.get_by_label("Tabel").check()
    page.wait_for_function(  # the title is shown as text in a visible table cell
        "() => [...document.querySelectorAll('table *')].some(e => e.offsetParent && e.childElementCount === 0"
        " && e.textContent.includes('Testcasus <img'))"
    )

    time.sleep(0.5)  # give any injected handler the chance to fire
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []
    assert page.locator("#wibb-chat img[src='y'], #wibb-cards img, #wibb-doc img").count() == 0
    assert_local_only(page, base)


# -- the web app as people use it (issue 15) ----------------------------------------------------------


def test_filters_show_with_the_answer_and_a_new_conversation_clears_them(page, app_url):
    base, _ = app_url
    page.goto(base + "/")
    page.get_by_label("defensie", exact=True).check()
    ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
    chat = page.locator("#wibb-chat")
    chat.get_by_text("Gezocht binnen: defensie", exact=False).first.wait_for()
    page.get_by_role("button", name="Nieuw gesprek").click()
    page.wait_for_function("() => !document.querySelector('#wibb-chat .message-row')")
    assert not page.get_by_label("defensie", exact=True).is_checked()
    page.get_by_label("zorg", exact=True).check()
    page.get_by_role("button", name="Filters wissen").click()
    page.wait_for_function(
        "() => ![...document.querySelectorAll('input[type=checkbox]')].some(c => c.checked)"
    )


def test_an_example_question_is_asked_with_one_click(page, app_url):
    base, _ = app_url
    page.goto(base + "/")
    page.get_by_role("button", name="Wat doet een matcher?").click()
    chat = page.locator("#wibb-chat")
    chat.get_by_text("Wat doet een matcher?").first.wait_for()
    chat.get_by_text("Bronnen (").first.wait_for()  # answered, not only put in the box


def test_controls_have_dutch_names_for_screen_readers(page, app_url):
    base, _ = app_url
    page.goto(base + "/")
    page.locator("#wibb-vraag textarea").wait_for()
    page.get_by_role("textbox", name="Je vraag").wait_for()
    ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
    page.locator("#wibb-chat").get_by_text("Bronnen (").first.wait_for()
    page.wait_for_timeout(300)
    snapshot = page.locator("#wibb-chat").aria_snapshot()
    unnamed = [line for line in snapshot.splitlines() if line.strip() in ("- button", "- button:")]
    assert unnamed == [], snapshot
    assert page.get_by_role("button", name="Bronnen (", exact=False).count() >= 1


def test_on_a_phone_the_box_is_in_view_answers_start_at_their_top_and_a_casus_opens_in_view(app_url):
    base, _ = app_url
    with chromium() as browser, opened(browser, base, "phone") as page:
        box = page.locator("#wibb-vraag textarea")
        top = box.bounding_box()
        assert top is not None and top["y"] + top["height"] <= 844, top  # no scrolling to find the box
        box.fill("Hoeveel zorgreservisten zijn er ingeschreven?")
        box.press("Enter")
        chat = page.locator("#wibb-chat")
        chat.get_by_text("Bronnen (").first.wait_for()
        page.wait_for_timeout(500)
        question = chat.locator(".message-row").filter(has_text="Hoeveel zorgreservisten").last
        frame = chat.bounding_box()
        seen = question.bounding_box()
        assert frame and seen and seen["y"] >= frame["y"] - 2 and seen["y"] < frame["y"] + frame["height"]
        chat.get_by_role("link", name="Nationale Zorgreserve", exact=True).first.click()
        doc = page.locator("#wibb-doc")
        doc.get_by_text("Omvang").first.wait_for()
        page.wait_for_timeout(500)
        placed = doc.bounding_box()
        assert placed and 0 <= placed["y"] < 844, placed  # the text opened where the reader is
        assert page.locator("#wibb-doc").evaluate("e => e.getBoundingClientRect().top") < 844


def test_a_card_opens_with_one_click(page, app_url):
    base, _ = app_url
    page.goto(base + "/")
    page.get_by_role("tab", name="Casussen & knoppen").click()
    page.locator("#wibb-cards").get_by_text("Nationale Zorgreserve").first.click()
    page.locator("#wibb-browse-doc").get_by_text("Omvang").first.wait_for()


def test_a_wrong_file_type_is_refused_in_dutch_and_nothing_runs(page, app_url, tmp_path):
    base, _ = app_url
    wrong = tmp_path / "vragen.txt"
    wrong.write_text("geen vragenset", encoding="utf-8")
    page.goto(base + "/")
    page.get_by_role("tab", name="Toetsen").click()
    page.locator("input[type=file]").first.set_input_files(str(wrong))
    page.get_by_text("Alleen YAML- (.yaml, .yml) en CSV-bestanden", exact=False).first.wait_for()
    start = page.get_by_role("button", name="Start de toets")
    assert start.is_disabled()  # refused at upload: there is nothing to start
    page.wait_for_timeout(1500)
    assert page.get_by_text("Alleen YAML- (.yaml, .yml) en CSV-bestanden", exact=False).count() >= 1
    assert page.get_by_text("geslaagd (", exact=False).count() == 0  # no set was run
    assert page.get_by_text("Invalid file type", exact=False).count() == 0
