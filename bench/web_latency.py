"""Web app start-up and streaming latency (a benchmark, not a test).

Starts `python app.py` as a fresh process on a free port with the configured index (run
`python ingest.py` first) and measures, from the moment the process is started:
  page      until GET / answers 200 (the page is served; the index may still be loading)
  answer    until the first question, asked through gradio_client, has its complete answer
and then, per question on the warm app:
  first     until the first streamed update (sources and the "searching" line)
  token     until the first update with answer text (the first streamed token)
  complete  until the last update

    .venv/bin/python bench/web_latency.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Hoeveel zorgreservisten staan er ingeschreven?",
    "Wat doet een matcher?",
    "Kan ik naast mijn baan lesgeven als hybride docent?",
    "Aan welke knoppen kan ik als werkgever draaien?",
    "Wat is Dienjaar bij Defensie?",
]
PENDING = "Ik zoek het antwoord op"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answer_text(output: object) -> str:
    messages = output[0] if isinstance(output, list | tuple) and output else []
    for message in messages or []:
        if isinstance(message, dict) and message.get("role") == "assistant" and not message.get("metadata"):
            return str(message.get("content") or "")
    return ""


def timed_question(client, question: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    job = client.submit(question, [], [], [], api_name="/chat")
    marks: dict[str, float] = {}
    for output in job:
        now = (time.perf_counter() - started) * 1000
        marks.setdefault("first", now)
        text = answer_text(output)
        if text and PENDING not in text:
            marks.setdefault("token", now)
    job.result()
    marks["complete"] = (time.perf_counter() - started) * 1000
    return marks


def main() -> int:
    import httpx
    from gradio_client import Client

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="warm questions to time")
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "WIBB_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise SystemExit("app.py stopped before it served the page")
            time.sleep(0.05)
        page_s = time.perf_counter() - started
        client = Client(url, verbose=False)
        cold = timed_question(client, QUESTIONS[0])
        answer_s = time.perf_counter() - started
        warm = [timed_question(client, QUESTIONS[i % len(QUESTIONS)]) for i in range(args.runs)]
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"cold start: page served after {page_s:.2f} s; first answer complete after {answer_s:.2f} s")
    cold_token = cold.get("token", 0)
    print(f"first question: first update {cold['first']:.0f} ms, first token {cold_token:.0f} ms, "
          f"complete {cold['complete']:.0f} ms")  # fmt: skip
    for name in ("first", "token", "complete"):
        values = [w[name] for w in warm if name in w]
        low, high, middle = min(values), max(values), statistics.median(values)
        print(f"warm {name:<8} median {middle:.0f} ms (min {low:.0f}, max {high:.0f}, n={len(values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
