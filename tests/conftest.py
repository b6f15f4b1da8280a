"""Shared fixtures: everything offline, a fake-embedder index over the tiny corpus, tripwires."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
for _name in [n for n in os.environ if n.startswith("WIBB_") and n != "WIBB_TEST_CACHE"]:
    del os.environ[_name]  # a developer's own settings must not leak in
# The rules' own answers unless a test asks for a reader: the trained reader's answers are tested where they
# are meant (test_reader.py, test_reader_answers.py), so the fake-embedder tests keep testing the mechanics.
os.environ["WIBB_READER_BACKEND"] = "none"

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
TINY = DATA / "kennis"
SOURCES = ROOT.parent / "shared" / "sources"


@pytest.fixture(autouse=True, scope="session")
def _no_accidental_model_calls():
    """llama-index falls back to OpenAI when no model is passed: make that fail loudly instead."""
    from llama_index.core.settings import _Settings

    def tripwire(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("llama-index global Settings used: pass llm=/embed_model= explicitly")

    saved = (_Settings.llm, _Settings.embed_model)
    _Settings.llm = property(tripwire)  # type: ignore[assignment]
    _Settings.embed_model = property(tripwire)  # type: ignore[assignment]
    yield
    _Settings.llm, _Settings.embed_model = saved  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """No test reads a developer's .env or writes an index into the repository's .wibb/
    (only the model-export cache lives there, shared between test runs)."""
    monkeypatch.chdir(tmp_path)


def fake_settings(data_dir: Path, knowledge_dir: Path = TINY, **overrides: object):
    """The fake embedder and no reader: the rules' own answers over the tiny corpus (tests of the reader
    pass `reader=ReaderSettings(backend="fake")` or use the real model)."""
    from assistant.config import EmbeddingSettings, ReaderSettings, make_settings

    return make_settings(
        data_dir=data_dir,
        knowledge_dir=knowledge_dir,
        embedding=EmbeddingSettings(backend="fake"),
        **{"reader": ReaderSettings(backend="none"), **overrides},
    )


@pytest.fixture
def settings(tmp_path):
    return fake_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory):
    """Settings of an index over tests/data/kennis built once with the fake embedder."""
    from assistant.embedding import create_embedder
    from assistant.factory import build_store
    from assistant.ingest.indexing import ingest

    settings = fake_settings(tmp_path_factory.mktemp("tiny") / "data")
    ingest(settings.knowledge_dir, build_store(settings), create_embedder(settings.embedding))
    return settings


@pytest.fixture(scope="session")
def assistant(tiny_index):
    from assistant.factory import build_assistant

    return build_assistant(tiny_index)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tiny_index):
    """The whole app launched on a free port, as `wibb serve` does, over the tiny index."""
    from assistant.web.app import build_demo, launch

    port = free_port()
    demo = build_demo(None, tiny_index)
    launch(tiny_index, port=port, demo=demo, block=False)
    yield f"http://127.0.0.1:{port}/", tiny_index
    demo.close()


@pytest.fixture
def cli_env(tiny_index, monkeypatch):
    """`wibb eval` over the tiny index with a fixed latency, so the whole output can be asserted."""
    from dataclasses import replace

    from assistant import factory

    monkeypatch.setenv("WIBB_EMBED_BACKEND", "fake")
    monkeypatch.setenv("WIBB_MIN_EVIDENCE", "0.45")
    monkeypatch.setenv("WIBB_DATA_DIR", str(tiny_index.data_dir))
    build = factory.build_assistant

    class FixedLatency:
        def __init__(self, inner):
            self.inner, self.min_evidence, self.retriever = inner, inner.min_evidence, inner.retriever

        def answer(self, *args, **kwargs):
            return replace(self.inner.answer(*args, **kwargs), latency_ms=20.0)

    monkeypatch.setattr(
        factory, "build_assistant", lambda settings, **kw: FixedLatency(build(settings, **kw))
    )
