"""Questions that wait their turn: a question sent while the previous one is still being answered is kept
and answered next, in the order sent, never dropped.

One browser session has at most one answering loop. Sending a question adds it here (at once, outside
Gradio's queue) and then asks for the loop; only the first asker gets it (`claim`), and the loop takes the
next question until none is left (`next`, which ends the run in the same locked step, so a question added
just then is never stranded: its own `claim` succeeds). Stopping ("Stop", "Nieuw gesprek") ends the run
and hands back what was still waiting. Nothing here is stored: it lives as long as the process.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

STALE_S = 600.0  # a run this old whose loop never finished (a closed tab) no longer blocks the session


@dataclass(frozen=True)
class Queued:
    """A question as it was sent, with the filters that were ticked then."""

    question: str
    sector: tuple[str, ...] = ()
    soort: tuple[str, ...] = ()
    widened: bool = False  # asked again in the whole knowledge base


@dataclass
class _Session:
    queue: list[Queued] = field(default_factory=list)
    run: int = 0  # the answering loop's number; 0: none is running
    since: float = 0.0


class Waiting:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}
        self._runs = 0

    def add(self, key: str, item: Queued) -> bool:
        """Keep a question; True when an answer is being written now (so the question waits)."""
        with self._lock:
            session = self._sessions.setdefault(key, _Session())
            session.queue.append(item)
            return self._running(session)

    def claim(self, key: str) -> int:
        """Start the answering loop of a session: its run number, or 0 when one is running already or
        nothing waits."""
        with self._lock:
            session = self._sessions.get(key)
            if session is None or not session.queue or self._running(session):
                return 0
            self._runs += 1
            session.run, session.since = self._runs, time.monotonic()
            return session.run

    def next(self, key: str, run: int) -> Queued | None:
        """The next question for run `run`; None ends the run (nothing left, or it was stopped)."""
        with self._lock:
            session = self._sessions.get(key)
            if session is None or session.run != run:
                return None
            if not session.queue:
                del self._sessions[key]
                return None
            session.since = time.monotonic()
            return session.queue.pop(0)

    def release(self, key: str, run: int) -> None:
        """Run `run` ended without taking every question (its loop failed, or the page went away while it
        wrote): what waits stays, and the next question sent starts a loop that answers it, at once rather
        than after `STALE_S`. Nothing happens when the run ended as it should (`next`, `stop`)."""
        with self._lock:
            session = self._sessions.get(key)
            if session is None or session.run != run:
                return
            if session.queue:
                session.run = 0
            else:
                del self._sessions[key]

    def running(self, key: str, run: int) -> bool:
        """Whether run `run` still answers (not stopped): a stopped loop yields nothing more, so that nothing
        it was still writing lands after what the stop showed."""
        with self._lock:
            session = self._sessions.get(key)
            return session is not None and session.run == run

    def pending(self, key: str) -> list[str]:
        """The questions still waiting, oldest first."""
        with self._lock:
            session = self._sessions.get(key)
            return [item.question for item in session.queue] if session else []

    def stop(self, key: str) -> list[Queued]:
        """End the session's run; what was still waiting is handed back (to put in the box again)."""
        with self._lock:
            session = self._sessions.pop(key, None)
            return session.queue if session else []

    def _running(self, session: _Session) -> bool:
        return bool(session.run) and time.monotonic() - session.since < STALE_S
