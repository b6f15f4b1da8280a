"""Hybrid retrieval: reciprocal rank fusion, BM25 with Dutch stems, filters."""

from __future__ import annotations

import pytest

from assistant.core.filters import Filters
from assistant.retrieval.bm25 import BM25Index, reciprocal_rank_fusion
from assistant.store.records import where


def test_rrf_sums_weighted_reciprocal_ranks():
    fused = reciprocal_rank_fusion([(["a", "b", "c"], 1.0), (["c", "a"], 1.0)], k=60)
    assert [i for i, _ in fused] == ["a", "c", "b"]
    assert fused[0][1] == 1 / 61 + 1 / 62
    weighted = reciprocal_rank_fusion([(["a"], 0.5), (["b"], 2.0)], k=1)
    assert weighted == [("b", 1.0), ("a", 0.25)]


def test_bm25_matches_inflected_dutch_words(assistant):
    chunks = assistant.retriever.store.all_chunks()
    index = BM25Index.of_chunks(chunks)
    [(best, score), *_] = index.search("zorgreservist", 3)
    assert chunks[best].doc.id == "zorgreserve" and score > 0
    assert index.search("de het een", 3) == []
    assert index.search("onbekendwoord", 3) == []


def test_hybrid_retrieval_finds_the_passage_with_the_figure(assistant):
    retrieval = assistant.retriever.retrieve("Hoeveel zorgreservisten zijn er ingeschreven?")
    top = retrieval.hits[0]
    assert top.chunk.doc.id == "zorgreserve" and top.chunk.heading == ("Omvang",)
    assert top.rank == 1 and top.dense is not None and top.bm25 is not None
    assert [h.rank for h in retrieval.hits] == list(range(1, len(retrieval.hits) + 1))
    assert set(retrieval.timings_ms) == {
        "embed_ms",
        "dense_ms",
        "bm25_ms",
        "sentence_search_ms",
        "fusion_ms",
        "fetch_ms",
    }


def test_sentence_search_gives_each_chunk_once_best_first(assistant):
    retriever = assistant.retriever
    vector = retriever.embedder.embed_queries(["Hoeveel zorgreservisten zijn er ingeschreven?"])[0]
    rows = retriever.corpus.lexical.sentences.search(vector, 30)
    assert len(rows) == len(set(rows)) > 1
    assert retriever.corpus.table.doc_at(rows[0]).id == "zorgreserve"


def test_filters_limit_both_retrievers(assistant):
    retriever = assistant.retriever
    casus = retriever.retrieve("matcher vraag aanbod", Filters(soort=("casus",)))
    assert casus.hits and {h.chunk.doc.soort for h in casus.hits} == {"casus"}
    defensie = retriever.retrieve("zorgreservisten", Filters(sector=("onderwijs",)))
    assert all({"onderwijs", "sectoroverstijgend"} & set(h.chunk.doc.sector) for h in defensie.hits)
    assert not any(h.chunk.doc.id == "zorgreserve" for h in defensie.hits)
    one = retriever.retrieve("deelnemers", Filters(doc_ids=("techdocent",)))
    assert {h.chunk.doc.id for h in one.hits} == {"techdocent"}


def test_a_broad_filter_is_applied_to_wider_neighbours_a_narrow_one_left_to_the_store(assistant, monkeypatch):
    from assistant.config import RetrievalSettings
    from assistant.retrieval.hybrid import HybridRetriever

    retriever = assistant.retriever
    calls: list[tuple[int, object]] = []
    query = retriever.store.query

    def spied(vector, n, filters=None):  # type: ignore[no-untyped-def]
        calls.append((n, filters))
        return query(vector, n, filters)

    monkeypatch.setattr(retriever.store, "query", spied)
    broad = retriever.retrieve("zorgreservisten vergoeding", Filters(sector=("zorg",)))
    assert calls == [(retriever.settings.candidates * HybridRetriever.WIDEN, None)]  # no filter for Chroma
    assert broad.hits and all({"zorg", "sectoroverstijgend"} & set(h.chunk.doc.sector) for h in broad.hits)
    narrow = HybridRetriever(retriever.store, retriever.embedder, RetrievalSettings(candidates=2))
    narrow.WIDEN = 2
    calls.clear()
    one = narrow.retrieve("deelnemers", Filters(doc_ids=("techdocent",)))
    assert [filters for _, filters in calls] == [None, Filters(doc_ids=("techdocent",))]
    assert one.hits and {h.chunk.doc.id for h in one.hits} == {"techdocent"}


def test_filters_translate_to_chroma_where_clauses():
    assert where(Filters()) is None
    assert where(Filters(soort=("casus",))) == {"soort": {"$in": ["casus"]}}
    assert where(Filters(sector=("zorg",), doelgroep=("werkgever",))) == {
        "$and": [
            {"$or": [{"sector_sectoroverstijgend": True}, {"sector_zorg": True}]},
            {"doelgroep_werkgever": True},
        ]
    }


def test_document_chunks_are_in_reading_order(assistant):
    chunks = assistant.retriever.document_chunks("zorgreserve")
    assert [c.heading for c in chunks] == [
        (),
        ("Omvang",),
        ("Wie kan zorgreservist worden?",),
        ("Vergoeding",),
    ]
    assert assistant.retriever.documents()["matcher"].titel == "Knop 1: de matcher"
    assert assistant.retriever.document_headings("zorgreserve") == [c.heading for c in chunks]


def test_whether_a_casus_says_what_is_not_known_is_read_from_its_headings_not_its_texts(
    assistant, monkeypatch
):
    from assistant.answering import plans

    library = assistant.planner.library()
    casus = assistant.retriever.documents()["zorgreserve"]
    monkeypatch.setattr(assistant.retriever, "fetch", lambda ids: pytest.fail(f"read the texts of {ids}"))
    assert plans._thin(casus, library) is False
