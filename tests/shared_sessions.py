"""A worker for test_shared_state: one app instance (a `WebApp` in its own process, over the shared
PostgreSQL and Chroma server of the environment) with N concurrent browser sessions, each asking a question
and giving it a 👎. Prints one JSON line: the questions asked, the answer latencies, any errors."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# read before conftest clears every WIBB_ variable
SHARED = {k: os.environ.get(f"WIBB_{k.upper()}", "") for k in ("chroma_url", "chroma_token", "database_url")}

from conftest import fake_settings  # noqa: E402


def main() -> None:
    data_dir, count, tag = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    from assistant.web.app import WebApp

    settings = fake_settings(data_dir, **SHARED)
    app = WebApp(settings)
    app.assistant()
    questions, latencies, errors = [], [], []
    lock = threading.Lock()

    def session(n: int) -> None:
        question = f"Sessie {tag}{n}: hoeveel zorgreservisten zijn er ingeschreven?"
        try:
            started = time.perf_counter()
            *_, (messages, _, turns, sid, _) = app.respond(question, [], [], [], [], "")
            elapsed = (time.perf_counter() - started) * 1000
            _, message, entry = app.rate(messages, turns, sid, 1, False)
            with lock:
                questions.append(question)
                latencies.append(elapsed)
                if entry is None:
                    errors.append(message)
        except Exception as error:  # reported, not raised: the test shows every failure
            with lock:
                errors.append(repr(error))

    threads = [threading.Thread(target=session, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"questions": questions, "latency_ms": latencies, "errors": errors}))


if __name__ == "__main__":
    main()
