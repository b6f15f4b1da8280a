"""Dutch folding, number normalisation, content words and stems."""

from assistant.core import dutch


def test_fold_removes_case_and_accents():
    assert dutch.fold("Één Café in Curaçao") == "een cafe in curacao"


def test_numbers_with_thousands_separators_are_normalised():
    assert (
        dutch.normalise_numbers("3.500 en 1.000.000 maar 16,3% en 2.5 en 1.2.3")
        == "3500 en 1000000 maar 16,3% en 2.5 en 1.2.3"
    )
    assert (
        dutch.normalise_numbers("eind 2023 150 organisaties en 3.500.")
        == "eind 2023 150 organisaties en 3500."
    )
    assert "3500" in dutch.words("Er zijn 3.500 reservisten")


def test_content_words_drop_stopwords_and_question_words():
    assert dutch.content_words("Hoeveel zorgreservisten zijn er eigenlijk in Nederland?") == [
        "zorgreservisten",
        "nederland",
    ]


def test_stems_match_inflections():
    assert dutch.stems("zorgreservisten") == dutch.stems("zorgreservist")
    assert dutch.stems("organisaties") == dutch.stems("organisatie")
    assert dutch.stems("docenten") == dutch.stems("docent")


def test_overlap_is_the_share_of_question_stems_found():
    q = set(dutch.stems("matcher vraag aanbod"))
    assert dutch.overlap(q, set(dutch.stems("De matcher brengt vraag en aanbod samen"))) == 1.0
    assert dutch.overlap(q, set(dutch.stems("Niets hiervan"))) == 0.0
    assert dutch.overlap(set(), {"x"}) == 0.0


def test_our_stopwords_hold_all_of_bm25s_dutch_list():
    from bm25s.stopwords import STOPWORDS_DUTCH

    assert {dutch.fold(w) for w in STOPWORDS_DUTCH} <= dutch.stopwords()
