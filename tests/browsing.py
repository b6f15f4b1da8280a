"""What the browser tests share: the app served over a small knowledge base, Debian's Chromium (never a
downloaded browser) at desktop and phone sizes, and the steps a person takes."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import TINY, fake_settings, free_port

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SIZES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "small phone": {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True},
}
# A casus long enough that on a phone its question box is far below its first lines.
LONG_CASE = """---
id: lange-casus
titel: Lange proefcasus voor de zorg
soort: casus
sector: [zorg]
doelgroep: [professional]
knoppen: [matcher]
bronnen:
  - titel: Proefbron
    url: null
peildatum: 2024-01
---
# Lange proefcasus voor de zorg

""" + "\n\n".join(
    f"## Onderdeel {n}\n\nIn onderdeel {n} van de proefcasus werkten zorgmedewerkers een dag per week in een "
    f"ander team, met een begeleider die het rooster en de afspraken regelde."
    for n in range(1, 13)
)


@contextmanager
def served_app(
    root: Path, extra: dict[str, str] | None = None, model: Any = None
) -> Iterator[tuple[str, Any]]:
    """The app as `wibb serve` starts it, over the tiny corpus plus `extra` files ({relative path: text});
    with `model`, a language model writes the answers."""
    from assistant.answering.assistant import Assistant
    from assistant.embedding import create_embedder
    from assistant.factory import build_assistant, build_store
    from assistant.ingest.indexing import ingest
    from assistant.web.app import build_demo, launch

    knowledge = root / "kennis"
    shutil.copytree(TINY, knowledge)
    for name, text in (extra or {}).items():
        (knowledge / name).write_text(text, encoding="utf-8")
    settings = fake_settings(root / "data", knowledge)
    report = ingest(knowledge, build_store(settings), create_embedder(settings.embedding))
    assert not report.problems
    assistant = None
    if model is not None:
        plain = build_assistant(settings)
        assistant = Assistant(plain.retriever, min_evidence=plain.min_evidence, llm=model)
    port = free_port()
    demo = build_demo(assistant, settings)
    launch(settings, port=port, demo=demo, block=False)
    try:
        yield f"http://127.0.0.1:{port}", settings
    finally:
        demo.close()


@contextmanager
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = "Debian chromium is not installed: run `make browser` (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):  # set by `make test`: in CI a missing browser is a failure
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def opened(browser: Any, url: str, size: str) -> Iterator[Any]:
    """A fresh browser profile (its own local storage) at `size`, English on purpose: the app is Dutch."""
    context = browser.new_context(locale="en-US", accept_downloads=True, **SIZES[size])
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url + "/")
    page.locator("#wibb-vraag textarea").wait_for()
    try:
        yield page
    finally:
        context.close()


def ask(page: Any, question: str) -> None:
    """Type a question and send it; returns when it is taken (the box empties, as a person sees)."""
    box = page.locator("#wibb-vraag textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#wibb-vraag textarea').value === ''")


def answered(page: Any, count: int = 1) -> Any:
    """Wait until the chat shows `count` complete answers (each has its Bronnen block or is a refusal);
    returns the chat."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    chat = page.locator("#wibb-chat")
    try:
        page.wait_for_function(
            "n => document.querySelectorAll('#wibb-chat .bot-row').length >= n"
            " && !document.querySelector('#wibb-chat .pending, #wibb-chat [aria-busy=true]')",
            arg=count,
        )
    except PlaywrightTimeout:  # say what the chat shows instead
        shown = chat.inner_text()
        raise AssertionError(f"{count} answers expected; the chat shows: {shown!r}") from None
    page.wait_for_timeout(300)
    return chat


def wait_until(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.time() + seconds
    while not check() and time.time() < deadline:
        time.sleep(0.1)
    return check()
