"""Follow-up questions keep the subject of the conversation, swap what they change, drop it on a new one."""

import pytest

from assistant.answering import followup
from assistant.answering.chat import Conversation


@pytest.fixture(scope="module")
def lexicon(assistant):
    return assistant.planner.lexicon()


def ask(lexicon, *questions, cited=()):
    """The resolution of the last question after the others (each earlier one resolved in turn)."""
    conversation = Conversation()
    for n, question in enumerate(questions[:-1]):
        subject = followup.subject_of(
            conversation.questions, conversation.queries, conversation.cited, lexicon
        )
        resolved = followup.resolve(question, subject, lexicon)
        conversation.add(question, "", query=resolved.query, cited=cited[n] if n < len(cited) else ())
    subject = followup.subject_of(conversation.questions, conversation.queries, conversation.cited, lexicon)
    return followup.resolve(questions[-1], subject, lexicon)


def test_a_pointing_adverb_is_filled_in_with_the_subject_as_written(lexicon):
    resolved = ask(lexicon, "Wat is de Nationale Zorgreserve?", "Hoeveel mensen doen daaraan mee?")
    assert resolved.query == "Hoeveel mensen doen aan de Nationale Zorgreserve mee?" and resolved.carried


def test_a_sector_swap_replaces_the_sector_and_keeps_the_rest(lexicon):
    resolved = ask(lexicon, "Wie was de aanjager vanuit de zorg?", "En vanuit het onderwijs?")
    assert resolved.query == "Wie was de aanjager vanuit het onderwijs?"
    added = ask(lexicon, "Hoe werkt de loonheffingskorting?", "En bij Defensie?")
    assert added.query == "Hoe werkt de loonheffingskorting bij Defensie?"


def test_a_demonstrative_becomes_the_subject(lexicon):
    resolved = ask(lexicon, "Wat is de loonheffingskorting?", "Geldt dat ook voor zzp'ers?")
    assert resolved.query == "Geldt de loonheffingskorting ook voor zzp'ers?"


def test_a_chain_keeps_the_first_subject_and_reads_as_a_question(lexicon):
    resolved = ask(lexicon, "Wat is de Nationale Zorgreserve?", "Hoeveel mensen doen daaraan mee?",
                   "En wie betaalt hun salaris?")  # fmt: skip
    # the earlier question's own words go along, so that the topic's passages are found
    assert resolved.query == "Wie betaalt hun salaris, bij de Nationale Zorgreserve? (eerder: mensen mee)"


def test_a_new_subject_drops_the_old_one(lexicon):
    resolved = ask(lexicon, "Wat is de Nationale Zorgreserve?", "En wat doet een matcher bij Brainport?")
    assert resolved.query == "En wat doet een matcher bij Brainport?" and not resolved.carried
    long = ask(lexicon, "Wat is de Nationale Zorgreserve?",
               "Hoe hoog is de loonheffingskorting als je bij twee werkgevers tegelijk werkt?")  # fmt: skip
    assert not long.carried


def test_who_is_asking_is_carried_with_the_earlier_question(lexicon):
    resolved = ask(
        lexicon, "Ik ben leraar. Kan ik ook in de zorg werken?", "Wat moet mijn school dan regelen?"
    )
    assert resolved.query == "Ik ben leraar. Kan ik ook in de zorg werken? Wat moet mijn school dan regelen?"


def test_an_answer_from_one_document_gives_the_subject(lexicon):
    resolved = ask(lexicon, "Wie brengt vraag en aanbod bij elkaar?", "Hoe doen ze dat?",
                   cited=[("matcher", "matcher")])  # fmt: skip
    assert "matcher" in resolved.query and resolved.carried


def test_without_a_reference_or_a_subject_of_its_own_the_evidence_decides(lexicon, assistant):
    resolved = ask(
        lexicon, "Wat is de Nationale Zorgreserve?", "Wie betaalt de reiskosten van vrijwilligers?"
    )
    assert resolved.unclear and resolved.alone == "Wie betaalt de reiskosten van vrijwilligers?"
    assert resolved.query.startswith(
        "Wie betaalt de reiskosten van vrijwilligers, bij de Nationale Zorgreserve?"
    )
    conversation = Conversation()
    conversation.add("Wat is de Nationale Zorgreserve?", "…", query="Wat is de Nationale Zorgreserve?",
                     cited=("zorgreserve",))  # fmt: skip
    answer = assistant.answer("Wie betaalt de reiskosten van vrijwilligers?", conversation)
    assert answer.query in (resolved.query, resolved.alone)


def test_the_first_question_is_searched_as_it_stands(lexicon):
    assert followup.resolve("  Wat is de  matcher? ", None, lexicon).query == "Wat is de matcher?"


@pytest.mark.parametrize(
    ("first", "then", "query"),
    [
        # the introduction ends at the comma before the question, not at the question mark
        ("ik ben leraar op een mbo, kan ik ook iets in de zorg doen?", "Hoeveel uur per week kan dat?",
         "Ik ben leraar op een mbo. Kan ik ook iets in de zorg doen? Hoeveel uur per week kan dat?"),
        # a sentence that introduces and asks in one go is the earlier question itself
        ("Ik ben leraar en wil iets in de zorg doen?", "Wat verdien ik dan?",
         "Ik ben leraar en wil iets in de zorg doen? Wat verdien ik dan?"),
    ],
)  # fmt: skip
def test_a_follow_up_joined_to_an_introduced_question_reads_without_stray_marks(lexicon, first, then, query):
    resolved = ask(lexicon, first, then)
    assert resolved.query == query
    assert " ?" not in resolved.query and ". ?" not in resolved.query


def test_a_joint_never_leaves_a_lone_mark():
    assert followup._tidy("Kan ik in de zorg doen. ? Hoeveel uur?") == "Kan ik in de zorg doen. Hoeveel uur?"
    assert followup._tidy("Wat doet een matcher, ?") == "Wat doet een matcher,"
    assert followup._tidy("Hoeveel kost dat? (eerder: kosten)") == "Hoeveel kost dat? (eerder: kosten)"
