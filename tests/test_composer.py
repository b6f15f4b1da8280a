"""Extractive composition: sentence scoring, MMR selection without duplicates, numbered citations."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from builders import make_chunk

from assistant.answering import citations, composer
from assistant.core.documents import SourceRef
from assistant.core.results import Hit


def hit(doc_id: str, rank: int, heading: tuple[str, ...] = ("Sectie",)) -> Hit:
    chunk = make_chunk(
        id=f"{doc_id}:{rank}", doc_id=doc_id, titel=doc_id.title(), heading=heading, text="…", position=0,
        soort="casus", sector=("zorg",), doelgroep=("professional",), knoppen=(),
        bronnen=(SourceRef("Bron A", "https://example.org/a"),), peildatum="2023-11", path=f"{doc_id}.md",
    )  # fmt: skip
    return Hit(chunk, 1 / (60 + rank), rank)


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_sentences_are_scored_by_cosine_and_word_overlap():
    q = unit(1, 0, 0)
    h = hit("zorgreserve", 1)
    sentences = {
        h.chunk.id: [("Er zijn 3500 zorgreservisten.", unit(0.9, 0.1, 0)), ("Iets anders.", unit(0, 1, 0))]
    }
    ranked = composer.score_candidates("Hoeveel zorgreservisten zijn er?", q, [h], sentences)
    assert [c.text for c in ranked] == ["Er zijn 3500 zorgreservisten.", "Iets anders."]
    assert ranked[0].overlap == 1.0 and ranked[1].overlap == 0.0
    assert ranked[0].score > ranked[0].cosine


def test_selection_skips_near_duplicates_and_weak_sentences():
    h1, h2 = hit("a", 1), hit("b", 2)
    q = unit(1, 0, 0)
    sentences = {
        h1.chunk.id: [
            ("Eerste feit.", unit(0.87, 0.49, 0)),
            ("Eerste feit nog eens.", unit(0.87, 0.49, 0.01)),
        ],
        h2.chunk.id: [("Tweede feit.", unit(0.85, -0.35, 0.39)), ("Ver weg.", unit(0, 0, 1))],
    }
    chosen = composer.select(composer.score_candidates("feit", q, [h1, h2], sentences))
    assert [c.text for c in chosen] == ["Eerste feit.", "Tweede feit."]


def test_a_sentence_the_reader_says_answers_may_join_from_further_down_and_one_it_rejects_drops_out():
    h = hit("a", 1)
    lead = composer.Candidate("Het antwoord.", h, 0, 1.00, 0.9, 0.0, unit(1, 0, 0))
    further = composer.Candidate("Nog een antwoord.", h, 1, 0.85, 0.8, 0.0, unit(0, 1, 0))  # 0.15 below
    near = composer.Candidate("Over hetzelfde onderwerp.", h, 2, 0.92, 0.8, 0.0, unit(0, 0, 1))
    unread = [lead, near, further]
    assert [c.text for c in composer.select(unread)] == ["Het antwoord.", "Over hetzelfde onderwerp."]
    read = [replace(lead, answers=0.9), replace(near, answers=0.0), replace(further, answers=0.9)]
    # the reader's probability lifts the answering sentence within reach and drops the one beside the question
    assert [c.text for c in composer.select(read)] == ["Het antwoord.", "Nog een antwoord."]
    without = composer.ComposerSettings(reader_weight=0.0, read_margin=0.13)
    assert [c.text for c in composer.select(read, without)] == ["Het antwoord.", "Over hetzelfde onderwerp."]


def test_compose_numbers_sources_in_order_of_use_with_markers_inside_the_sentence():
    h1, h2 = hit("a", 1), hit("b", 2)
    q = unit(1, 0, 0)
    sentences = {
        h1.chunk.id: [("Zin een van a.", unit(0.88, 0.47, 0)), ("Zin twee van a", unit(0.86, -0.1, 0.5))],
        h2.chunk.id: [("Zin van b!", unit(0.87, -0.45, -0.2))],
    }
    chosen = composer.select(composer.score_candidates("zin", q, [h1, h2], sentences))
    result = composer.compose(chosen)
    assert result.text == "Zin een van a [1]. Zin twee van a [1]. Zin van b [2]!"
    assert [(c.n, c.doc_id, c.quote) for c in result.citations] == [
        (1, "a", "Zin een van a. … Zin twee van a"),
        (2, "b", "Zin van b!"),
    ]
    first = result.citations[0]
    assert (first.source, first.url, first.heading, first.peildatum) == (
        "Bron A", "https://example.org/a", "Sectie", "2023-11",
    )  # fmt: skip


def test_no_candidates_gives_nothing():
    assert composer.select([]) == []


def test_the_cited_source_is_the_one_the_quote_names_or_dates():
    bronnen = (
        SourceRef("Leernetwerk Werken in Breder Belang (NSvP)", "https://www.innovatiefinwerk.nl/x"),
        SourceRef(
            'Skipr, "PFZW en Nationale Zorgreserve starten samenwerking"', "https://skipr.nl/a", "2024-06"
        ),
        SourceRef(
            'Skipr, "Extra ZorgSamen mag door met Nationale Zorgreserve"', "https://skipr.nl/b", "2024-02"
        ),
    )
    titel = "Nationale Zorgreserve"
    assert (
        citations.best_source(bronnen, titel, "PFZW en de Nationale Zorgreserve werken samen.") == bronnen[1]
    )
    assert (
        citations.best_source(bronnen, titel, "In februari 2024 waren er 3800 zorgreservisten.") == bronnen[2]
    )
    assert citations.best_source(bronnen, titel, "Er zijn zorgreservisten.") == bronnen[0]
    assert citations.best_source((), titel, "x") is None


def test_who_says_a_fact_does_not_make_it_another_fact():
    first = ("Werk anders organiseren is de derde knop uit het leernetwerk Werken in Breder Belang: denken in "
             "taken in plaats van in hele functies.")  # fmt: skip
    second = ("Werk anders organiseren is volgens bijeenkomst 1 van het leernetwerk de derde knop om Werken in "
              "Breder Belang mogelijk te maken.")  # fmt: skip
    assert composer.same_fact(first, second)
    # other figures stay other facts, whoever gives them
    assert not composer.same_fact(
        "Volgens het CBS hadden in 2021 769.000 mensen meerdere banen.",
        "Volgens het CBS hadden in 2022 832.000 mensen meerdere banen.",
    )
