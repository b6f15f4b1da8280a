"""The reader's run-time tokenizer (`assistant.reader.pieces`) gives the very ids the `tokenizers` pipeline
gave in training: over every line of the knowledge base, every training question, and (question, passage)
pairs long enough to be cut, with the characters a person types (emoji, tabs, ligatures, other scripts)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from assistant.reader.base import MAX_TOKENS
from assistant.reader.pieces import LATIN, PieceTokenizer, longest_first

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    from assistant.embedding.e5export.export import build_tokenizer, source_model_path
    from assistant.embedding.e5export.format import read_e5_file

    reference = build_tokenizer(read_e5_file(source_model_path()))
    kept = tmp_path_factory.mktemp("pieces")
    PieceTokenizer.prepare(kept)  # as at ingest: every process then reads the kept table
    return PieceTokenizer.load(kept), reference


def lines() -> list[str]:
    out = []
    for path in sorted((ROOT / "knowledge").rglob("*.md")):
        out += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def questions() -> list[str]:
    out = []
    for path in sorted((ROOT / "training" / "questions").glob("*.yaml")):
        out += [
            c["question"] for c in yaml.safe_load(path.read_text(encoding="utf-8")) or [] if "question" in c
        ]
    return out


ODD = [
    "  twee  spaties\tEN tab ",
    "emoji 🙂😀 en ﬁets",
    "Ｆｕｌｌ ｗｉｄｔｈ",
    "中文 en café",
    "",
    " ",
    "<s> en </s>?",
]


@pytest.mark.slow
def test_every_text_splits_into_the_same_pieces(both):
    ours, reference = both
    reference.no_truncation()
    texts = lines() + questions() + ODD
    assert len(texts) > 5000
    wrong = [t for t in texts if ours.pieces(t) != reference.encode(t, add_special_tokens=False).ids]
    assert not wrong, wrong[:5]


@pytest.mark.slow
def test_pairs_are_joined_and_cut_as_in_training(both):
    ours, reference = both
    reference.enable_truncation(MAX_TOKENS, strategy="longest_first")
    reference.no_padding()
    texts, asked = lines(), questions()
    rng = random.Random(7)
    cut = 0
    for _ in range(3000):
        question, passage = rng.choice(asked), rng.choice(texts)
        if rng.random() < 0.3:
            question += " " + rng.choice(texts) + rng.choice(ODD)
        expected = reference.encode(question, passage).ids
        got = ours.pairs(question, [passage], MAX_TOKENS)[0]
        assert got == expected, (question, passage)
        cut += len(ours.pieces(question)) + len(ours.pieces(passage)) + 4 > MAX_TOKENS
    assert cut > 100  # the cutting itself was tried, on both sides
    huis, boom = " ".join(["huis"] * 80), " ".join(["boom"] * 70)
    for room in (105, 104):  # an odd room too: who keeps the odd one
        reference.enable_truncation(room, strategy="longest_first")
        for question, passage in ((huis, boom), (boom, huis), (huis, huis)):
            assert ours.pairs(question, [passage], room)[0] == reference.encode(question, passage).ids


def test_the_longer_side_gives_way_first():
    # what `tokenizers` does with 80- and 70-piece texts at 105 tokens (room 101): (51, 50), (50, 51), (50, 51)
    assert longest_first(10, 20, 100) == (10, 20)
    assert longest_first(10, 200, 100) == (10, 90)
    assert longest_first(200, 10, 100) == (90, 10)
    assert longest_first(80, 70, 100) == (50, 50)
    assert longest_first(80, 70, 101) == (51, 50)
    assert longest_first(70, 80, 101) == (50, 51)
    assert longest_first(80, 80, 101) == (50, 51)


TABLE_FILES = [".f32", ".json", ".latin.i32", ".latin.txt", ".txt"]


def suffixes(folder: Path) -> list[str]:
    return sorted("." + p.name.split(".", 1)[1] for p in folder.iterdir())


def test_the_table_is_kept_and_read_back(tmp_path):
    first = PieceTokenizer.load(tmp_path)
    assert suffixes(tmp_path) == TABLE_FILES
    again = PieceTokenizer.load(tmp_path)
    text = "Hoeveel zorgreservisten staan er ingeschreven?"
    assert again.pieces(text) == first.pieces(text) and len(first.pieces(text)) > 3
    assert again.remembered(text) is again.remembered(text)  # a passage is split once


def test_a_process_reads_the_whole_table_only_for_a_text_in_another_script(tmp_path):
    PieceTokenizer.prepare(tmp_path)
    reads = []
    kept = PieceTokenizer.load(tmp_path)
    every = kept._read_every
    kept._read_every = lambda: reads.append(1) or every()
    whole = PieceTokenizer(every(), kept._scores, {}, kept.bos, kept.eos, kept.unk)  # the table in full
    whole._norm = kept._norm
    for text in ("Wat verdient een zorgreservist – per uur, in €?", "café naïef ﬁets", "½ × 3 = 1,5 “ok”"):
        assert set(text) - {" "} <= LATIN | {"ﬁ"}  # (ﬁ becomes "fi" before it is looked up)
        assert kept.pieces(text) == whole.pieces(text)
    assert reads == []  # Latin script, punctuation and currency: the Latin part alone
    for text in ("中文 en café", "emoji 🙂", "Ωmega", "a ≠ b"):
        assert kept.pieces(text) == whole.pieces(text)
    assert reads == [1]  # read once, when the first text in another script came


def test_the_ingest_prepares_the_table_once(tmp_path):
    PieceTokenizer.prepare(tmp_path)
    files = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert suffixes(tmp_path) == TABLE_FILES
    PieceTokenizer.prepare(tmp_path)  # there already: not written again
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == files
    assert PieceTokenizer.load(tmp_path).pieces("Nationale Zorgreserve")
