"""The reader's card: what it was trained on, with which settings, and how it scored (`wibb train`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class ReaderManifest:
    name: str  # e.g. "wibb-reader-e5s6-ep2-3f2a9c1d": the base model, its depth, the epochs, the data's hash
    base_model: str
    training_data_sha256: str
    questions: int
    pairs: int
    settings: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)  # per question set: its summary metrics
    dropped: dict[str, int] = field(default_factory=dict)  # near copies of question-set cases left out
    trained_at: str = ""
    seconds: float = 0.0

    def write(self, folder: Path) -> Path:
        path = folder / MANIFEST_NAME
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def load_manifest(folder: Path) -> ReaderManifest | None:
    path = folder / MANIFEST_NAME
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    known = {k: v for k, v in data.items() if k in ReaderManifest.__dataclass_fields__}
    return ReaderManifest(**known)
