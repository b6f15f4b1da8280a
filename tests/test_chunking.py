"""Markdown-aware chunking: heading paths, stable ids, sentence splitting."""

from __future__ import annotations

from dataclasses import replace

from assistant.core.documents import Document, SourceRef
from assistant.core.sentences import plain, split_sentences
from assistant.ingest.chunking import split_document


def doc(text: str, **changes: object) -> Document:
    base = Document(
        id="voorbeeld", titel="Voorbeeld", soort="casus", sector=("zorg",), doelgroep=("professional",),
        knoppen=(), bronnen=(SourceRef("Bron"),), peildatum="2023-11", text=text, path="casussen/voorbeeld.md",
    )  # fmt: skip
    return replace(base, **changes)


TEXT = """# Voorbeeld

Korte samenvatting van het voorbeeld.

## Omvang

Eind 2023 waren er 3500 reservisten.

### Per regio

Er zijn 25 veiligheidsregio's.

## Aanmelden

Aanmelden gaat per e-mail.
"""


def test_sections_keep_their_heading_path_and_the_title_is_context():
    chunks = split_document(doc(TEXT))
    assert [c.heading for c in chunks] == [(), ("Omvang",), ("Omvang", "Per regio"), ("Aanmelden",)]
    assert [c.position for c in chunks] == [0, 1, 2, 3]
    assert chunks[2].heading_path == "Voorbeeld > Omvang > Per regio"
    assert chunks[2].embed_text == "Voorbeeld > Omvang > Per regio\nEr zijn 25 veiligheidsregio's."
    assert chunks[0].text == "Korte samenvatting van het voorbeeld."


def test_chunk_ids_are_stable_and_change_with_text_or_metadata():
    first = [c.id for c in split_document(doc(TEXT))]
    assert first == [c.id for c in split_document(doc(TEXT))]
    assert all(i.startswith("voorbeeld:") for i in first)
    edited = [c.id for c in split_document(doc(TEXT.replace("3500", "3600")))]
    assert edited[0] == first[0] and edited[2:] == first[2:] and edited[1] != first[1]
    retagged = [c.id for c in split_document(doc(TEXT, sector=("zorg", "defensie")))]
    assert not set(retagged) & set(first)


def test_long_sections_are_cut_at_paragraphs_and_keep_the_heading():
    paragraphs = "\n\n".join(f"Alinea {i} " + "over werken in breder belang. " * 12 for i in range(6))
    chunks = split_document(doc(f"# T\n\n## Lang\n\n{paragraphs}"), max_chars=800)
    assert len(chunks) > 2
    assert all(c.heading == ("Lang",) for c in chunks)
    assert all(len(c.text) <= 800 for c in chunks)
    assert "".join(c.text for c in chunks).count("Alinea") == 6


def test_a_tiny_tail_is_merged_into_the_previous_chunk():
    body = ("Een zin over de zorg. " * 40).strip() + "\n\nKort."
    chunks = split_document(doc(f"# T\n\n## Sectie\n\n{body}"), max_chars=900)
    assert chunks[-1].text.endswith("Kort.")
    assert all(len(c.text) > 100 for c in chunks)


def test_sentences_respect_dutch_abbreviations_lists_and_markup():
    text = (
        "De reserve werkt o.a. met de GGD. Eind 2023 waren er 3.500 reservisten!\n"
        "- Sinds 1 augustus 2022 geldt art. 7:653a BW.\n"
        "- Zie de **Fontys**-pagina via [de site](https://fontys.nl)."
    )
    assert split_sentences(text) == [
        "De reserve werkt o.a. met de GGD.",
        "Eind 2023 waren er 3.500 reservisten!",
        "Sinds 1 augustus 2022 geldt art. 7:653a BW.",
        "Zie de Fontys-pagina via de site.",
    ]


def test_a_persons_initials_do_not_end_a_sentence():
    text = "Zij (ook E. Koop-Spoor) was de aanjager. Later kwam J.P. Balkenende. Daarna Plan van Dijk."
    assert split_sentences(text) == [
        "Zij (ook E. Koop-Spoor) was de aanjager.",
        "Later kwam J.P. Balkenende.",
        "Daarna Plan van Dijk.",
    ]


def test_plain_removes_inline_markup_only():
    assert plain("**vet** en *schuin* met `code` en [link](https://x.nl)") == "vet en schuin met code en link"
    assert plain("3 * 4 = 12") == "3 * 4 = 12"
