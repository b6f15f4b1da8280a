"""Make docs/screenshot.png: the chat with an answer and its sources, over the configured index.

    python ingest.py                      # once: the index of knowledge/
    .venv/bin/python docs/screenshot.py   # starts the app on a free port, asks, saves the screenshot

Uses Debian's /usr/bin/chromium through Playwright (`make browser` installs it); downloads nothing.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTION = "Ik ben verpleegkundige, hoe begin ik met werken in breder belang?"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip


def main(out: Path = ROOT / "docs" / "screenshot.png") -> int:
    from playwright.sync_api import sync_playwright

    from assistant import texts
    from assistant.config import make_settings
    from assistant.errors import WibbError
    from assistant.factory import build_assistant
    from assistant.web.app import build_demo, launch
    from assistant.web.server import configure_environment

    settings = make_settings()
    configure_environment(settings)
    try:
        assistant = build_assistant(settings)
    except WibbError as error:
        print(texts.describe_error(error), file=sys.stderr)
        return 1
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = build_demo(assistant, settings)
    launch(settings, port=port, demo=demo, block=False)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 1100}, device_scale_factor=1)
            page.goto(f"http://127.0.0.1:{port}/")
            box = page.locator("#wibb-vraag textarea")
            box.fill(QUESTION)
            box.press("Enter")
            page.locator("#wibb-chat").get_by_text(texts.SOURCES_HEADING).first.wait_for(timeout=60_000)
            page.locator("#wibb-chat").get_by_text(texts.WEB["open_hint"]).first.wait_for(timeout=60_000)
            chat = page.locator("#wibb-chat")
            chat.get_by_text(f"{texts.SOURCES_HEADING} (").first.click()
            page.wait_for_timeout(300)
            # Show the answer from its first line (the chat scrolls to the end by itself).
            chat.locator(".message-row").nth(0).evaluate("e => e.scrollIntoView({block: 'start'})")
            page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out))
            # The same question on a phone: the box in view, the answer from its first line.
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1,
                                     is_mobile=True, has_touch=True)  # fmt: skip
            phone.goto(f"http://127.0.0.1:{port}/")
            small = phone.locator("#wibb-vraag textarea")
            small.fill(QUESTION)
            small.press("Enter")
            phone.locator("#wibb-chat").get_by_text(f"{texts.SOURCES_HEADING} (").first.wait_for(
                timeout=60_000
            )
            phone.wait_for_timeout(500)
            phone.screenshot(path=str(out.with_name("screenshot-telefoon.png")))
            browser.close()
    finally:
        demo.close()
    print(f"{out} geschreven")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
