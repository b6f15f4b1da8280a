"""Load: 20 concurrent chat sessions through gradio_client, 10 questions each; histories never mix."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.answering.chat import message_text

pytestmark = pytest.mark.slow
SESSIONS = 20
# Per session: a topic question, then follow-ups that only make sense with that session's own history.
SCRIPTS = [
    ["Wie was de aanjager voor defensie?", "En voor de zorg?"],
    ["Hoeveel zorgreservisten zijn er ingeschreven?", "En wie kan zorgreservist worden?"],
]
FILLERS = ["Wat doet een matcher?", "Hoe zit het met de loonheffingskorting?", "Wat is laagdrempeligheid?"]


def _session(url: str, index: int) -> tuple[list[float], list[str], list[dict]]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    script = SCRIPTS[index % 2] + [FILLERS[(index + i) % 3] + f" (sessie {index})" for i in range(8)]
    history: list[dict] = []
    latencies = []
    for question in script:
        started = time.perf_counter()
        history = client.predict(question, history, [], [], api_name="/chat")[0]
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies, script, history


def test_twenty_concurrent_sessions_are_all_answered_and_never_mix(served):
    url, _ = served
    with ThreadPoolExecutor(SESSIONS) as pool:
        results = list(pool.map(lambda i: _session(url, i), range(SESSIONS)))
    latencies = sorted(ms for session, _, _ in results for ms in session)
    assert len(latencies) == SESSIONS * 10
    for index, (_, script, history) in enumerate(results):
        asked = [message_text(m["content"]) for m in history if m["role"] == "user"]
        assert asked == script, f"session {index} history mixed"
        answers = [
            m for m in history if m["role"] == "assistant" and not (m.get("metadata") or {}).get("title")
        ]
        assert len(answers) >= 10
        text = " ".join(message_text(m["content"]) for m in history)
        if index % 2 == 0:
            assert "Patrick Schrooten" in text  # the follow-up found its own session's topic
        assert f"(sessie {(index + 1) % SESSIONS})" not in text
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * len(latencies)) - 1]
    print(
        f"\nload: {SESSIONS} sessions x 10 questions, p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms"
    )
