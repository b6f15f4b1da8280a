"""What every reader is: it scores how well each passage answers a question, from 0 (not at all) to 1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

MAX_TOKENS = 128  # question and passage together; longer pairs lose the end of the longer one


@dataclass(frozen=True)
class ReaderIdentity:
    backend: str  # "onnx", "fake"
    name: str  # what `wibb config` and Toetsen show: the model and the training data it learnt from

    def label(self) -> str:
        return f"{self.backend}:{self.name}"


class Reader(Protocol):
    identity: ReaderIdentity

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """The probability that each passage answers the question, float32 in [0, 1]."""
        ...


def pair_text(heading_path: str, sentence: str) -> str:
    """What the reader reads of a sentence: the section it stands in gives its subject ("het", "daar")."""
    return f"{heading_path}: {sentence}"
