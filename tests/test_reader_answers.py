"""The trained reader in the answers, over real knowledge documents and the real e5 index: what the issue saw
in the browser (issue 21) must not come back. The figures over all of knowledge/ are the CI gate's
(`make eval-gate`); these are the particular failures, each checked on its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import texts
from assistant.answering import reranking
from assistant.answering.kinds import is_absence_statement

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = (
    "casussen/nationale-zorgreserve.md",
    "casussen/hybride-docent.md",
    "knoppen/matcher.md",
    "knoppen/laagdrempeligheid.md",
    "regels/bevoegd-en-bekwaam-zorg.md",
    "regels/nevenwerkzaamheden.md",
)


# The knoppen and what the knowledge base says about the actieplaat (not available), for the list question
# and the refusal that quotes the knowledge base's own reason.
NETWORK = (
    "knoppen/matcher.md",
    "knoppen/wet-en-regelgeving.md",
    "knoppen/werk-anders-organiseren.md",
    "knoppen/laagdrempeligheid.md",
    "knoppen/sectorkenner.md",
    "knoppen/noodzaak-doel.md",
    "leernetwerk/actieplaat-en-toolbox.md",
    "verslagen/verslag-bijeenkomst-1.md",
    "achtergrond/hybride-docent-onderzoek.md",
)


def assistant_over(folder: Path, documents: tuple[str, ...]):
    """An e5 index of these knowledge documents, and the assistant with the shipped reader over it."""
    from assistant.config import ReaderSettings, make_settings
    from assistant.embedding import create_embedder
    from assistant.factory import build_assistant, build_store
    from assistant.ingest.indexing import ingest

    for name in documents:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "knowledge" / name, folder / name)
    settings = make_settings(
        data_dir=folder / "data", knowledge_dir=folder, reader=ReaderSettings(backend="onnx")
    )
    ingest(folder, build_store(settings), create_embedder(settings.embedding))
    return build_assistant(settings)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return assistant_over(tmp_path_factory.mktemp("kennis"), DOCUMENTS)


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    return assistant_over(tmp_path_factory.mktemp("netwerk"), NETWORK)


@pytest.mark.xfail(
    strict=True,
    reason="issue 21, open: the passage that says the zorgaanbieder pays is the fifth of the 5 retrieved and "
    "its sentence is not chosen; ranked by the reader (reranking.PASSAGE_POOL = 15) it comes first, but that "
    "answered fewer facts on the held-out questions and costs 150-200 ms a question, so it is off "
    "(evals/README.md)",
)
def test_who_pays_a_reservist_is_answered_by_the_sentence_that_says_who_pays(real):
    answer = real.answer("wie betaalt een zorgreservist?")
    assert not answer.refused
    first = answer.text.split(" [")[0]
    assert "betaalt de zorgaanbieder het salaris" in answer.text, answer.text
    assert "zorgaanbieder" in first or answer.text.index("betaalt de zorgaanbieder") < 200, answer.text


def test_passages_ranked_by_the_reader_bring_the_one_that_says_who_pays(real, monkeypatch):
    question = "wie betaalt een zorgreservist?"
    fused = [h.chunk.id for h in real.answer(question).retrieved]
    monkeypatch.setattr(reranking, "PASSAGE_POOL", 15)  # off by default (evals/README.md)
    answer = real.answer(question)
    assert "betaalt de zorgaanbieder het salaris" in answer.text, answer.text
    assert [h.chunk.id for h in answer.retrieved] != fused  # the fifth passage comes first
    assert [h.rank for h in answer.retrieved] == list(range(1, len(answer.retrieved) + 1))
    assert "rerank_ms" in answer.timings_ms


def test_how_many_reservists_now_leads_with_the_latest_figure(real):
    answer = real.answer("hoeveel zorgreservisten zijn er nu?")
    assert not answer.refused
    assert answer.text.startswith("In oktober 2025"), answer.text


@pytest.mark.parametrize(
    ("typed", "spelt"),
    [
        ("wat doet een macther?", "wat doet een matcher?"),
        ("Ik ben verplegkundige, hoe begin ik?", "Ik ben verpleegkundige, hoe begin ik?"),
    ],
)
def test_a_misspelt_question_is_answered_like_the_correctly_spelt_one(real, typed, spelt):
    wrong, right = real.answer(typed), real.answer(spelt)
    assert not wrong.refused and not right.refused, (wrong.text, right.text)
    assert [c.doc_id for c in wrong.citations][:1] == [c.doc_id for c in right.citations][:1]
    assert [c.id for c in wrong.cases] == [c.id for c in right.cases]


def test_a_teachers_route_into_care_says_what_a_reservist_needs_not_who_founded_it(real):
    answer = real.answer("ik ben leraar op een mbo, kan ik ook iets in de zorg doen?")
    assert not answer.refused
    assert "Nationale Zorgreserve" in answer.text
    assert "diploma" in answer.text, answer.text
    assert "oprichting" not in answer.text, answer.text


def test_a_detail_the_knowledge_base_does_not_give_is_refused(real):
    answer = real.answer("Wat verdient een zorgreservist per uur?")
    assert answer.refused, answer.text


@pytest.mark.parametrize(
    "question",
    ["welke knoppen zijn er?", "welke knoppen kan een organisatie draaien?", "wat zijn de knoppen?"],
)
def test_the_knoppen_are_listed_however_briefly_asked(network, question):
    # the product's core question in its short forms; over all of knowledge/ a sentence naming the knoppen
    # beside what is not known of the actieplaat made them refused (guarded in test_focus.py: over these
    # documents that sentence does not come near enough to show it)
    answer = network.answer(question)
    assert not answer.refused, answer.text
    for knop in ("matcher", "wet- en regelgeving", "werk anders organiseren", "laagdrempeligheid"):
        assert knop in answer.text.lower(), answer.text


def test_a_refusal_without_a_detail_to_name_quotes_what_the_knowledge_base_says_is_not_known(network):
    answer = network.answer("Welke tools staan er precies in de handreiking hybride docentschap?")
    assert answer.refused
    assert answer.text.startswith(texts.NOT_IN_KNOWLEDGE) and answer.text != texts.NOT_IN_KNOWLEDGE
    assert [c.doc_id for c in answer.citations] == ["hybride-docent-onderzoek"]
    assert is_absence_statement(answer.text.removeprefix(texts.NOT_IN_KNOWLEDGE)), answer.text


# Routes between two sectors: casussen, and the background documents about combining two sectors.
ROUTES = (
    "casussen/hybride-docent.md",
    "casussen/brainport-hybride-techdocent.md",
    "casussen/nationale-zorgreserve.md",
    "achtergrond/combinatiebanen-kinderopvang-en-onderwijs.md",
    "achtergrond/hybride-docent-onderzoek.md",
    "achtergrond/woningvoorrang-cruciale-beroepen.md",
    "regels/loonheffingskorting.md",
)


@pytest.fixture(scope="module")
def routes(tmp_path_factory):
    return assistant_over(tmp_path_factory.mktemp("routes"), ROUTES)


@pytest.mark.parametrize(
    "question",
    ["kan ik als leraar ook in de kinderopvang werken?", "ik ben pm'er, kan ik ook op een school werken?"],
)
def test_a_route_to_a_sector_no_casus_combines_leads_with_what_is_known_of_that_combination(routes, question):
    # no casus is about the kinderopvang and the onderwijs together: a teacher's own casussen alone missed it
    answer = routes.answer(question)
    assert answer.text.startswith(texts.PLAN_HEADINGS["bridge"]), answer.text
    assert answer.citations[0].doc_id == "combinatiebanen-kinderopvang-en-onderwijs"


@pytest.mark.parametrize(
    "question",
    [
        "ik ben technicus, kan ik ook lesgeven?",  # a casus is about both: it leads, no background
        "ik ben verpleegkundige, kan ik ook bij de politie werken?",  # housing for both is no combination
    ],
)
def test_a_route_leads_with_casussen_where_one_combines_the_sectors_or_no_document_does(routes, question):
    answer = routes.answer(question)
    assert texts.PLAN_HEADINGS["bridge"] not in answer.text, answer.text
    assert "woningvoorrang-cruciale-beroepen" not in {c.doc_id for c in answer.citations}
