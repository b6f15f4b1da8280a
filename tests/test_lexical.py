"""The lexical index written at ingest: opened by other processes, updated by a changed file, rebuilt when stale."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading

import numpy as np
import pytest
from conftest import ROOT, TINY

from assistant import texts
from assistant.core import dutch
from assistant.core.terms import terms
from assistant.embedding.fake import FakeEmbedder
from assistant.factory import build_assistant, build_store
from assistant.ingest.indexing import ingest
from assistant.retrieval import lexical
from assistant.retrieval.bm25 import BM25Index
from assistant.retrieval.derive import derive
from assistant.store.chroma import VectorStore

QUESTION = "Hoeveel zorgreservisten zijn er ingeschreven?"
# Run in a second process: open the assistant with reading every chunk forbidden, answer, tell what happened.
SECOND_PROCESS = """
import json, sys
from assistant.store.chroma import VectorStore

def forbidden(self):
    raise AssertionError("a second process read every chunk")

VectorStore.chunk_batches = forbidden
from assistant.config import make_settings
from assistant.factory import build_assistant

heard = []
assistant = build_assistant(make_settings(), notify=heard.append)
answer = assistant.answer(sys.argv[1])
corpus = assistant.retriever.corpus
print(json.dumps({
    "heard": heard, "rebuilt": corpus.rebuilt, "revision": corpus.revision,
    "folder": str(corpus.lexical.folder), "mapped": corpus.bm25.memory_mapped,
    "answer": answer.text, "chunks": assistant.retriever.size,
    "imported": sorted({"bm25s", "scipy", "tqdm", "chromadb"} & set(sys.modules)),
}))
"""


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "kennis"
    shutil.copytree(TINY, folder)
    return folder


def opened(settings) -> VectorStore:
    return build_store(settings).open(FakeEmbedder().identity, create=False)


def second_process(settings, question: str = QUESTION) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WIBB_EMBED_BACKEND": "fake",
        "WIBB_READER_BACKEND": "none",
        "WIBB_DATA_DIR": str(settings.data_dir),
    }
    done = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, question], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_ingest_writes_the_lexical_index_beside_the_index_and_records_it(settings, corpus):
    report = ingest(corpus, build_store(settings), FakeEmbedder())
    store = opened(settings)
    revision = store.revision()
    folder = settings.data_dir / "lexical" / "wibb" / revision
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (manifest["revision"], manifest["chunks"], manifest["made_by"]) == (revision, 15, "ingest")
    assert manifest["tokenizer"] == lexical.tokenizer()
    assert store.lexical()["revision"] == revision  # the index's own manifest says which ingest wrote it
    assert (report.lexical_written, report.lexical_counted) == (True, 15)
    assert "table.json" in {p.name for p in folder.iterdir()} and (folder / "bm25").is_dir()
    # the table holds no texts: a chunk's words are nowhere in it
    assert "3500" not in (folder / "table.json").read_text()


def test_a_second_process_opens_the_persisted_index_without_rebuilding_it(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    revision = opened(settings).revision()
    seen = second_process(settings)
    assert seen["heard"] == [] and seen["rebuilt"] == ""
    assert seen["revision"] == revision and seen["folder"].endswith(f"lexical/wibb/{revision}")
    assert seen["mapped"] is True  # BM25 read from the file, not built
    assert "3500" in seen["answer"] and seen["chunks"] == 15
    # opening and answering take numpy alone (bm25s and scipy only build) and Chroma's engine without
    # chromadb's Python layer (store.native)
    assert seen["imported"] == []


def test_a_changed_file_updates_the_persisted_index_counting_only_its_chunks(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    running = build_assistant(settings)
    running.retriever.REVISION_CHECK_S = 0.0
    first = opened(settings).revision()
    path = corpus / "casussen" / "zorgreserve.md"
    path.write_text(path.read_text().replace("3500 ingeschreven", "3500 ingeschreven bij de kwartiermakers"))
    report = ingest(corpus, build_store(settings), FakeEmbedder())
    assert (report.chunks_added, report.lexical_counted) == (1, 1)  # the other 14 chunks' words were copied
    second = opened(settings).revision()
    assert second != first
    seen = second_process(settings, "Wie zijn de kwartiermakers?")
    assert seen["rebuilt"] == "" and seen["revision"] == second
    assert "kwartiermakers" in seen["answer"]
    # the running process opens the new revision as the ingest wrote it, and finds the new word by BM25
    retrieval = running.retriever.retrieve("kwartiermakers")
    assert running.retriever.corpus.revision == second and running.retriever.corpus.rebuilt == ""
    assert retrieval.hits[0].bm25 is not None and "kwartiermakers" in retrieval.hits[0].chunk.text
    assert running.planner.lexicon().known(terms("kwartiermakers")[0])


def test_an_unchanged_ingest_writes_nothing_and_keeps_the_revision(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    revision = opened(settings).revision()
    again = ingest(corpus, build_store(settings), FakeEmbedder())
    assert (again.lexical_written, again.lexical_counted) == (False, 0)
    assert opened(settings).revision() == revision


def test_the_updated_index_ranks_exactly_like_one_built_from_scratch(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    path = corpus / "casussen" / "zorgreserve.md"
    path.write_text(path.read_text().replace("3500 ingeschreven", "3600 ingeschreven in totaal"))
    (corpus / "regels" / "loonheffingskorting.md").unlink()
    ingest(corpus, build_store(settings), FakeEmbedder())
    store = opened(settings)
    updated = lexical.load(store.lexical_dir, store.revision())
    fresh = derive(store.all_chunks(), store.sentence_vectors).lexical
    assert updated.table.ids == fresh.table.ids
    assert updated.counts().df == fresh.counts().df and updated.counts().units == fresh.counts().units
    for query in ("zorgreservisten ingeschreven", "matcher vraag aanbod", "deelnemers", "totaal 3600"):
        found, expected = updated.bm25.search(query, 10), fresh.bm25.search(query, 10)
        assert [r for r, _ in found] == [r for r, _ in expected] and found, query
        assert [s for _, s in found] == pytest.approx([s for _, s in expected]), query
    # the sentence vectors: the same rows, whatever was copied and what read anew
    assert np.array_equal(updated.sentences.vectors, fresh.sentences.vectors)
    assert np.array_equal(updated.sentences.chunk_rows, fresh.sentences.chunk_rows)
    assert np.array_equal(updated.sentences.positions, fresh.sentences.positions)


@pytest.mark.parametrize("spoil", ["missing", "stale", "format", "count"])
def test_a_missing_or_stale_index_is_rebuilt_with_a_dutch_message_then_opened(settings, corpus, spoil):
    ingest(corpus, build_store(settings), FakeEmbedder())
    store = opened(settings)
    root, revision = store.lexical_dir, store.revision()
    folder = root / revision
    if spoil == "missing":
        shutil.rmtree(root)
    elif spoil == "stale":  # the index changed without this copy (an ingest elsewhere, an older version)
        store.set_revision("elders")
    elif spoil == "format":
        manifest = json.loads((folder / "manifest.json").read_text())
        (folder / "manifest.json").write_text(json.dumps({**manifest, "format": 0}))
    else:  # another number of chunks than the store holds: written, then the store changed without a revision
        store.delete(chunk_ids=[next(c.id for c in store.all_chunks() if c.doc.id == "matcher")])
    heard: list[str] = []
    assistant = build_assistant(settings, notify=heard.append)
    expected = texts.LEXICAL_REBUILD[spoil].format(folder=root)
    assert heard == [expected] and "opnieuw opgebouwd" in expected
    assert assistant.retriever.corpus.rebuilt == spoil
    assert "3500" in assistant.answer(QUESTION).text
    seen = second_process(settings)  # written for the next process, which opens it
    assert seen["heard"] == [] and seen["rebuilt"] == ""


def test_the_command_line_says_in_dutch_that_it_rebuilds_and_keeps_json_clean(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    shutil.rmtree(opened(settings).lexical_dir)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WIBB_EMBED_BACKEND": "fake", "WIBB_READER_BACKEND": "none",
           "WIBB_DATA_DIR": str(settings.data_dir)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", QUESTION, "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert "3500" in json.loads(done.stdout)["answer"]
    folder = opened(settings).lexical_dir
    assert done.stderr.strip() == texts.LEXICAL_REBUILD["missing"].format(folder=folder)


def test_processes_that_find_the_index_missing_together_rebuild_it_once(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    shutil.rmtree(opened(settings).lexical_dir)
    results: list[str] = []

    def start() -> None:
        results.append(build_assistant(settings).retriever.corpus.rebuilt)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["", "", "missing"]  # the others waited for the lock and opened it


def test_no_process_holds_every_chunks_text_to_answer(settings, corpus, monkeypatch):
    ingest(corpus, build_store(settings), FakeEmbedder())
    assistant = build_assistant(settings)
    assistant.retriever.TEXTS_KEPT = 4
    asked: list[list[str]] = []
    texts_by_id = assistant.retriever.store.texts

    def counted(ids):  # type: ignore[no-untyped-def]
        asked.append(list(ids))
        return texts_by_id(ids)

    monkeypatch.setattr(assistant.retriever.store, "texts", counted)
    monkeypatch.setattr(VectorStore, "chunk_batches", lambda self: pytest.fail("read every chunk"))
    answer = assistant.answer(QUESTION)
    assert "3500" in answer.text
    assert asked and all(len(ids) <= assistant.retriever.settings.top_k for ids in asked[:1])
    assert len(assistant.retriever._texts) <= 4  # a few texts kept, never the corpus
    whole = assistant.retriever.document_chunks("zorgreserve")
    assert [c.heading for c in whole][:2] == [(), ("Omvang",)] and all(c.text for c in whole)


def test_the_table_spreads_filters_per_document_and_keeps_reading_order(assistant):
    from assistant.core.filters import Filters

    table = assistant.retriever.corpus.table
    mask = table.mask(Filters(sector=("onderwijs",)))
    assert mask.shape == (len(table),) and set(np.unique(mask)) <= {0.0, 1.0}
    for row in range(len(table)):
        assert bool(mask[row]) == Filters(sector=("onderwijs",)).matches(table.doc_at(row))
    rows = table.document_rows("zorgreserve")
    assert [int(table.positions[r]) for r in rows] == sorted(int(table.positions[r]) for r in rows)
    assert table.document_rows("bestaat-niet") == range(0)


def test_bm25_built_from_token_ids_scores_like_bm25s_from_strings():
    import bm25s

    docs = [
        "De zorgreserve telt 3500 zorgreservisten.",
        "Een matcher brengt vraag en aanbod samen.",
        "Niets.",
    ]
    ours = BM25Index.of_texts(docs)
    reference = bm25s.BM25()
    reference.index([dutch.stems(d) or ["_"] for d in docs], show_progress=False)
    got, scores = reference.retrieve([dutch.stems("zorgreservisten")], k=3, show_progress=False)
    expected = [(int(d), float(s)) for d, s in zip(got[0], scores[0], strict=True) if s > 0]
    found = ours.search("zorgreservisten", 3)
    assert [d for d, _ in found] == [d for d, _ in expected] == [0]
    assert [s for _, s in found] == pytest.approx([s for _, s in expected])


def test_start_up_is_timed_step_by_step_and_the_lexicon_waits_for_the_warm_up(tiny_index):
    assistant = build_assistant(tiny_index)
    assert set(assistant.startup_ms) == {"embedder_ms", "store_ms", "lexical_ms", "reader_ms"}
    assert assistant.retriever.corpus.lexical._counts is None  # read when first needed, not at start-up
    assistant.warm_up()
    assert {"warm_lexicon_ms", "warm_reader_ms", "warm_search_ms"} <= set(assistant.startup_ms)
    assert all(value >= 0 for value in assistant.startup_ms.values())
    lexicon = assistant.planner.lexicon()
    assert "3500" in assistant.answer(QUESTION).text
    assert assistant.planner.lexicon() is lexicon  # made once per opened index


def test_a_chunks_sentences_are_read_from_the_sentence_index_exactly_as_chroma_stores_them(
    assistant, monkeypatch
):
    retriever = assistant.retriever
    chunks = retriever.document_chunks("zorgreserve") + retriever.document_chunks("matcher")
    stored = retriever.store.sentences(chunks)
    monkeypatch.setattr(VectorStore, "sentences", lambda self, chunks: pytest.fail("read Chroma's sentences"))
    monkeypatch.setattr(
        VectorStore, "sentence_vectors", lambda self, ids: pytest.fail("read Chroma's vectors")
    )
    ours = retriever.sentences([*chunks, chunks[0]])
    assert sorted(ours) == sorted(stored) and len(ours) == len(chunks)
    for chunk_id, pairs in stored.items():
        assert [text for text, _ in ours[chunk_id]] == [text for text, _ in pairs]
        assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(ours[chunk_id], pairs, strict=True))


def test_the_opened_index_ranks_and_scores_exactly_like_bm25s_itself(tmp_path):
    """Our numpy search over the saved files against bm25s's own retrieve on the same folder, with and
    without a row mask, for queries with repeated, unknown and shared stems (ties included)."""
    import bm25s

    docs = [
        "De Nationale Zorgreserve telt 3500 zorgreservisten in heel Nederland.",
        "Een matcher brengt vraag en aanbod van zorgreservisten samen.",
        "Hybride docenten werken vier tot acht uur per week in het onderwijs.",
        "Een hybride docent combineert een baan in het bedrijfsleven met lesgeven.",
        "Defensie zoekt reservisten; de Nationale Zorgreserve zoekt zorgreservisten.",
        "Niets.",
        "Werken in breder belang: zorg, onderwijs en defensie.",
        "Werken in breder belang: onderwijs, zorg en defensie.",
    ]
    BM25Index.of_texts(docs).save(tmp_path / "bm25")
    ours = BM25Index.load(tmp_path / "bm25", len(docs))
    theirs = bm25s.BM25.load(str(tmp_path / "bm25"), mmap=True, show_progress=False)
    mask = np.array([1, 1, 0, 1, 1, 1, 0, 1], dtype=np.float32)
    queries = [
        "zorgreservisten",
        "zorgreservisten zorgreservisten matcher",
        "hybride docent onderwijs",
        "zorg onderwijs defensie",
        "werken breder belang",
        "onbekendwoord zorgreserve",
    ]
    for query in queries:
        tokens = [t for t in dutch.stems(query) if t in ours._vocab]
        for weights in (None, mask):
            docs_, scores = theirs.retrieve(
                [tokens], k=5, show_progress=False, weight_mask=weights, n_threads=1
            )
            expected = [(int(d), float(s)) for d, s in zip(docs_[0], scores[0], strict=True) if s > 0]
            found = ours.search(query, 5, weights)
            assert [d for d, _ in found] == [d for d, _ in expected], (query, weights)
            assert [s for _, s in found] == pytest.approx([s for _, s in expected])
    assert ours.search("onbekendwoord", 5) == []
