"""Which reader answers, in one Dutch line (for `wibb config`, Toetsen and the reports)."""

from __future__ import annotations

from pathlib import Path

from assistant import texts
from assistant.config import ReaderSettings
from assistant.reader.manifest import load_manifest


def reader_summary(settings: ReaderSettings) -> str:
    if settings.backend == "none":
        return texts.READER_DESCRIPTIONS["none"]
    if settings.backend == "fake":
        return texts.READER_DESCRIPTIONS["fake"]
    from assistant.reader.engine import MODEL_FILE

    model = Path(settings.model or MODEL_FILE)
    manifest = load_manifest(model.parent)
    if not model.exists():
        return texts.READER_DESCRIPTIONS["missing"].format(path=model)
    if manifest is None:
        return texts.READER_DESCRIPTIONS["unknown"].format(path=model)
    return texts.READER_DESCRIPTIONS["onnx"].format(
        name=manifest.name, questions=manifest.questions, date=manifest.trained_at, pairs=manifest.pairs
    )
