"""Cold start (process start -> first successful answer) and peak memory of `wibb ask` and the web app.

`wibb ask` is timed from spawn to exit. The app (`python app.py`) is timed from spawn to the
first answer with a citation received through gradio_client on its `/chat` endpoint; the page
itself is served earlier (the index loads in a background thread). After the first answer a few
more questions are asked and the app's peak resident memory (VmHWM) is read from /proc.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from ingest_bench import timed_command
from measure import BIN, PYTHON, ROOT, Spread, bench_env, free_port, peak_rss_mb, stop, wait_for_http

QUESTION = "Hoeveel zorgreservisten staan er ingeschreven bij de Nationale Zorgreserve?"
MORE = (
    "Wat doet een matcher?",
    "Hoe begin ik als verpleegkundige met werken in breder belang?",
    "Welke voorbeelden zijn er uit de kinderopvang?",
    "Wat is een combinatiebaan in het onderwijs?",
    "Hoe werkt de loonheffingskorting bij twee werkgevers?",
)


def wibb_ask(data_dir: Path, work: Path, repeats: int) -> dict[str, Any]:
    env = bench_env(WIBB_DATA_DIR=str(data_dir))
    runs = [timed_command([str(BIN / "wibb"), "ask", QUESTION, "--json"], env, work) for _ in range(repeats)]
    if any(code != 0 for _, _, code in runs):
        raise RuntimeError(f"wibb ask failed: exit codes {[c for _, _, c in runs]}")
    answer = subprocess.run(
        [str(BIN / "wibb"), "ask", QUESTION, "--json"],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        "command": f'wibb ask "{QUESTION}" --json',
        "wall_s": Spread.of([w for w, _, _ in runs]).__dict__,
        "peak_rss_mb": max(m for _, m, _ in runs),
        "cited": bool(json.loads(answer.stdout).get("citations")),
    }


def _answer_text(result: Any) -> str:
    """The last assistant message of the chatbot output gradio_client returns."""
    chat = (
        result[0] if isinstance(result, (list, tuple)) and result and isinstance(result[0], list) else result
    )
    texts = []
    for message in chat or []:
        if isinstance(message, dict) and message.get("role") == "assistant":
            content = message.get("content")
            if isinstance(content, list):
                content = " ".join(str(c.get("text", c)) if isinstance(c, dict) else str(c) for c in content)
            texts.append(str(content))
    return texts[0] if texts else ""


def app_once(data_dir: Path, work: Path, more: int) -> dict[str, Any]:
    from gradio_client import Client  # imported before the clock starts

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = bench_env(WIBB_DATA_DIR=str(data_dir), WIBB_PORT=str(port), WIBB_HOST="127.0.0.1")
    log = open(work / f"app-{port}.log", "wb")  # noqa: SIM115  # closed below
    started = time.perf_counter()
    app = subprocess.Popen(
        [PYTHON, str(ROOT / "app.py")], env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        page_s = wait_for_http(url + "/", 180, app)
        client = Client(url, verbose=False)
        text = _answer_text(client.predict(QUESTION, [], [], [], api_name="/chat"))
        first_answer_s = time.perf_counter() - started
        if not re.search(r"\\?\[1\\?\]", text):  # "[1]", or "\[1\]" inside a link to the source
            raise RuntimeError(f"the app's first answer has no citation: {text[:300]!r}")
        timings = []
        for question in (MORE * 10)[:more]:
            t0 = time.perf_counter()
            client.predict(question, [], [], [], api_name="/chat")
            timings.append((time.perf_counter() - t0) * 1000)
        return {
            "page_s": page_s,
            "first_answer_s": first_answer_s,
            "peak_rss_mb": peak_rss_mb(app.pid),
            "http_answer_ms": Spread.of(timings).__dict__,
        }
    finally:
        stop(app)
        log.close()


# What no start-up can be faster than: a process that only imports the store's or the web framework's
# library and ends (the stack's own cost on this machine, before any of our code runs). Gradio's floor is
# its import as the app does it, without the stub writing (assistant.web.server.skip_gradio_stub_writing);
# its plain import is reported beside it.
FLOORS = {
    "wibb_ask": "import chromadb",
    "app": "from assistant.web.server import skip_gradio_stub_writing as s; s(); import gradio",
    "app_plain": "import gradio",
}


def floor(statement: str, work: Path, repeats: int) -> dict[str, Any]:
    env = bench_env()
    runs = [timed_command([PYTHON, "-c", statement], env, work) for _ in range(repeats)]
    return {"command": f'python -c "{statement}"', "wall_s": Spread.of([w for w, _, _ in runs]).__dict__}


def run(data_dir: Path, work: Path, quick: bool, log: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"wibb_ask": wibb_ask(data_dir, work, 2 if quick else 9)}
    log(f"wibb ask cold start: {out['wibb_ask']['wall_s']['median']:.2f} s")
    out["floors"] = {what: floor(statement, work, 2 if quick else 5) for what, statement in FLOORS.items()}
    if not (ROOT / "app.py").exists():
        out["app"] = None
        return out
    runs = [app_once(data_dir, work, 5 if quick else 20) for _ in range(1 if quick else 5)]
    out["app"] = {
        "command": "python app.py",
        "repeats": len(runs),
        "page_s": Spread.of([r["page_s"] for r in runs]).__dict__,
        "first_answer_s": Spread.of([r["first_answer_s"] for r in runs]).__dict__,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "answers_after_first": 5 if quick else 20,
        "http_answer_ms_median": Spread.of([r["http_answer_ms"]["median"] for r in runs]).__dict__,
    }
    log(f"app cold start to first answer: {out['app']['first_answer_s']['median']:.2f} s")
    return out


if __name__ == "__main__":  # a quick manual check: python bench/coldstart.py DATA_DIR
    import sys

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    print(json.dumps(app_once(Path(sys.argv[1]), Path("/tmp"), 2), indent=2))
