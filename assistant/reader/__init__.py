"""The reader: a model trained here that scores whether a sentence answers a question (issue 21).

`create_reader` picks the engine by setting: the trained model with onnxruntime (default, no torch),
a word-overlap fake (tests, demo), or none (the answerer's rules alone). Training lives in
`assistant.training` (it needs the retriever to mine its examples, and torch).
"""

from __future__ import annotations

from pathlib import Path

from assistant import texts
from assistant.config import ReaderSettings
from assistant.errors import ConfigError
from assistant.reader.base import Reader, ReaderIdentity, pair_text

__all__ = ["Reader", "ReaderIdentity", "create_reader", "pair_text"]


def create_reader(settings: ReaderSettings, cache_dir: Path) -> Reader | None:
    if settings.backend == "none":
        return None
    if settings.backend == "fake":
        from assistant.reader.fake import FakeReader

        return FakeReader()
    from assistant.reader.engine import MODEL_FILE, OnnxReader

    model = Path(settings.model or MODEL_FILE)
    if not model.is_file():
        raise ConfigError("WIBB_READER_MODEL", texts.READER_DESCRIPTIONS["missing"].format(path=model))
    return OnnxReader(model, cache_dir, threads=settings.threads)
