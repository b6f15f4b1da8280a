"""Property tests (hypothesis): parsers and citation handling never crash and keep their promises."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answering import composer
from assistant.answering.rendering import escape, escape_answer
from assistant.core.results import Hit
from assistant.core.sentences import split_sentences
from assistant.ingest.chunking import split_document
from assistant.ingest.schema import FormatProblem, parse_markdown

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
yaml_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20),
    st.lists(st.text(max_size=10), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)  # fmt: skip
FIELDS = ["id", "titel", "soort", "sector", "doelgroep", "knoppen", "bronnen", "peildatum"]


@FUZZ
@given(st.text(max_size=400))
def test_front_matter_parser_returns_a_document_or_a_format_problem(text):
    try:
        doc = parse_markdown(text, "x.md")
    except FormatProblem as problem:
        assert problem.code
    else:
        assert doc.id and doc.titel and doc.text


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), yaml_values, min_size=0, max_size=8), st.text(max_size=200))
def test_front_matter_with_arbitrary_values_never_crashes(fields, body):
    import yaml

    text = "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body
    try:
        doc = parse_markdown(text, "x.md")
    except FormatProblem as problem:
        assert problem.code in {
            "missing_field", "empty_body", "bad_id", "bad_text", "not_a_list", "bad_value", "empty_list",
            "bad_source", "bad_url", "bad_date", "front_matter_yaml", "front_matter_not_mapping", "front_matter_unclosed",
        }  # fmt: skip
    else:
        chunks = split_document(doc)
        assert len({c.id for c in chunks}) == len(chunks)


@FUZZ
@given(st.text(max_size=600))
def test_sentence_splitting_keeps_the_words(text):
    sentences = split_sentences(text)
    assert all(s and s == s.strip() for s in sentences)
    joined = " ".join(sentences)
    for word in re.findall(r"[A-Za-z]{4,}", re.sub(r"\[[^\]]*\]\([^)]*\)", "", text))[:20]:
        assert word in joined


def _hit(doc: str, rank: int) -> Hit:
    from builders import make_chunk

    from assistant.core.documents import SourceRef

    chunk = make_chunk(f"{doc}:{rank}", doc, doc, (), "…", 0, "casus", ("zorg",), ("professional",), (),
                       (SourceRef("b"),), "2023-11", "p.md")  # fmt: skip
    return Hit(chunk, 1.0 / rank, rank)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4), st.text(st.characters(blacklist_characters="[]"), min_size=1, max_size=80)
        ),
        min_size=1,
        max_size=12,
    )
)
def test_citations_are_numbered_1_to_n_and_every_number_is_used(items):
    hits = [_hit(f"d{i}", i + 1) for i in range(5)]
    rng = np.random.default_rng(0)
    sentences: dict[str, list[tuple[str, np.ndarray]]] = {}
    for index, text in items:
        vector = rng.normal(size=8).astype(np.float32)
        sentences.setdefault(hits[index].chunk.id, []).append((text, vector / np.linalg.norm(vector)))
    query = np.ones(8, dtype=np.float32) / np.sqrt(8)
    chosen = composer.select(composer.score_candidates("vraag", query, hits, sentences))
    result = composer.compose(chosen)
    numbers = [c.n for c in result.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    used = {int(n) for n in re.findall(r"\[(\d+)\]", result.text)}
    assert used == set(numbers)
    assert len({c.chunk_id for c in result.citations}) == len(numbers)


@FUZZ
@given(st.text(max_size=200))
def test_escaping_neutralises_html_and_markdown_links(text):
    for out in (escape(text), escape_answer(text)):
        assert "<" not in out and "](" not in out.replace("\\](", "")


@FUZZ
@given(st.text(max_size=400), st.sampled_from(["yaml", "csv"]))
def test_question_set_parser_returns_cases_or_a_dutch_question_set_error(text, fmt):
    from assistant.errors import QuestionSetError
    from assistant.evaluation.questionset import parse_cases

    try:
        cases = parse_cases(text, "upload", fmt)
    except QuestionSetError as error:
        assert error.reason and error.source == "upload"
    else:
        assert cases and all(c.id and c.question for c in cases)
        assert len({c.id for c in cases}) == len(cases)


@FUZZ
@given(
    st.lists(
        st.fixed_dictionaries(
            {"id": st.text(max_size=8), "question": st.text(max_size=30)},
            optional={
                "expect_facts": yaml_values,
                "expect_sources": yaml_values,
                "answerable": yaml_values,
                "filters": yaml_values,
            },
        ),
        max_size=4,
    )
)
def test_question_set_entries_with_arbitrary_values_never_crash(entries):
    import yaml

    from assistant.errors import QuestionSetError
    from assistant.evaluation.questionset import parse_cases

    try:
        cases = parse_cases(yaml.safe_dump(entries, allow_unicode=True), "vragen.yaml")
    except QuestionSetError as error:
        assert error.reason
    else:
        assert len(cases) == len(entries)
