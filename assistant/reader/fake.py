"""A reader for tests and the demo: no model, but meaningful scores.

A passage scores by the share of the question's content words (Dutch stems) it holds, with a bonus when it
holds a number and the question asks "hoeveel"/"wanneer"; so tests can assert that the passage that says
what the question asks ranks first, and that a passage about something else scores low.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.core import dutch
from assistant.reader.base import ReaderIdentity

_ASKS_NUMBER = re.compile(r"\b(hoeveel|wanneer|welk jaar|hoe lang|hoe oud)\b", re.I)
_NUMBER = re.compile(r"\d")


class FakeReader:
    identity = ReaderIdentity("fake", "woordoverlap")

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        asked = set(dutch.stems(question))
        wants_number = bool(_ASKS_NUMBER.search(question))
        scores = []
        for passage in passages:
            held = set(dutch.stems(passage))
            share = len(asked & held) / len(asked) if asked else 0.0
            if wants_number:
                share = share * 0.7 + 0.3 * bool(_NUMBER.search(passage.split(": ", 1)[-1]))
            scores.append(share)
        return np.asarray(scores, np.float32)
