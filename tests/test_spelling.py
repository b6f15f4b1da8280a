"""A misspelt word becomes the knowledge base's word; a real Dutch word the knowledge base does not use stays."""

from __future__ import annotations

from assistant.answering.lexicon import Lexicon, terms
from assistant.answering.spelling import Speller, dutch_words, may_need_mending

TEXTS = [
    "Knop 1: de matcher brengt vraag en aanbod samen.",
    "De Nationale Zorgreserve heeft zorgreservisten; de directeur van de NSvP is Sonia Sjollema.",
    "Collegiale uitlening zonder winstoogmerk.",
]


def speller(
    dictionary: frozenset[str] = frozenset({"precies", "bijbaan", "weekend"}),
) -> tuple[Speller, Lexicon]:
    lexicon = Lexicon.build([], (terms(t) for t in TEXTS))
    return Speller.build(lexicon, ["verpleegkundige"], dictionary), lexicon


def test_typos_of_the_knowledge_bases_words_are_mended_with_their_ending_and_capital():
    s, lexicon = speller()
    assert s.correct("wat doet een macther precies?", lexicon) == "wat doet een matcher precies?"
    assert (
        s.correct("Ik ben verplegkundige, hoe begin ik?", lexicon) == "Ik ben verpleegkundige, hoe begin ik?"
    )
    assert s.correct("wie is de directuer", lexicon) == "wie is de directeur"
    assert s.correct("Zorgreservisen en uitlenig", lexicon) == "Zorgreservisten en uitlening"


def test_real_words_short_words_and_words_far_from_any_known_word_stay():
    s, lexicon = speller()
    question = "mag mijn werkgever mijn bijbaan in het weekend verbieden, precies zo?"
    assert s.correct(question, lexicon) == question  # Dutch words, known or not: never mended
    assert s.correct("wat doet een mathcer", lexicon) == "wat doet een matcher"
    assert s.correct("de mtchr", lexicon) == "de mtchr"  # too short to tell a typo from another word
    assert s.correct("een kapsalon", lexicon) == "een kapsalon"  # no known word a typo away


def test_the_dutch_word_list_is_read_once_and_kept(tmp_path):
    words = dutch_words(tmp_path)
    assert {"precies", "bijbaan", "weekend", "gebeurde"} <= words and "macther" not in words
    cached = list(tmp_path.glob("nl-words-*.txt"))
    assert len(cached) == 1 and dutch_words(tmp_path) == words


def test_a_question_without_a_possible_typo_does_not_need_the_speller():
    _, lexicon = speller()
    assert not may_need_mending("wat doet de matcher bij collegiale uitlening?", lexicon)  # known or short
    assert not may_need_mending("Wat is één zorgreservist?", lexicon)  # accents: left as typed
    assert may_need_mending("wat doet een macther?", lexicon)
    assert may_need_mending("mag ik in het weekend werken?", lexicon)  # the Dutch word list decides later


def test_the_first_question_builds_the_speller_only_when_a_word_may_be_misspelt(assistant):
    planner = assistant.planner
    planner._speller = None
    assert planner.correct("Wat doet een matcher?") == "Wat doet een matcher?"
    assert planner._speller is None
    assert planner.correct("Wat doet een macther?") == "Wat doet een matcher?"
    assert planner._speller is not None
