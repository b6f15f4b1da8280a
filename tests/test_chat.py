"""Follow-up questions become standalone queries; Gradio histories are normalised."""

from assistant.answering.chat import Conversation, condense, from_messages, is_follow_up, standalone_query


def test_follow_ups_are_recognised():
    assert is_follow_up("En hoe zit dat bij Defensie?")
    assert is_follow_up("Geldt dat ook voor zzp'ers?")
    assert is_follow_up("Hoeveel zijn het er daar?")
    assert not is_follow_up("Hoeveel zorgreservisten zijn er in Nederland ingeschreven?")
    assert not is_follow_up("Wat doet een matcher bij Brainport?")


def test_standalone_query_carries_the_previous_topic():
    previous = "Hoe werkt het uitlenen van personeel aan een zorginstelling?"
    query = standalone_query("En hoe zit dat bij Defensie?", previous)
    assert query == "En hoe zit dat bij Defensie? (werkt uitlenen personeel zorginstelling)"


def test_condense_chains_follow_ups_and_resets_on_a_new_topic():
    assert condense(["Wat is de Nationale Zorgreserve?", "En hoeveel mensen doen mee?"]) == (
        "En hoeveel mensen doen mee? (nationale zorgreserve)"
    )
    assert condense(["Wat is de Nationale Zorgreserve?", "Wat doet een matcher bij Brainport?"]) == (
        "Wat doet een matcher bij Brainport?"
    )
    assert condense(["Vraag over het dienjaar bij defensie", "en daar?"]).startswith("en daar? (")


def test_history_from_the_browser_and_from_gradio_client_is_normalised():
    browser = [
        {"role": "user", "content": [{"type": "text", "text": "Wat is de Zorgreserve?"}]},
        {"role": "assistant", "content": "Een reserve [1]."},
        {"role": "assistant", "content": "bron", "metadata": {"title": "Bronnen"}},
        {"role": "user", "content": "En de omvang?"},
        {"role": "assistant", "content": [{"type": "text", "text": "3500 [1]."}]},
    ]
    conversation = from_messages(browser)
    assert conversation.turns() == [
        ("Wat is de Zorgreserve?", "Een reserve [1]."),
        ("En de omvang?", "3500 [1]."),
    ]
    pairs = from_messages([["Wat is de Zorgreserve?", "Een reserve."], ["En de omvang?", None]])
    assert pairs.turns() == [("Wat is de Zorgreserve?", "Een reserve."), ("En de omvang?", "")]
    assert from_messages(None).turns() == []


def test_conversation_query_for_uses_all_previous_questions():
    conversation = Conversation()
    conversation.add("Hoe werkt collegiale uitlening?", "…")
    assert conversation.query_for("En bij Defensie?") == "En bij Defensie? (werkt collegiale uitlening)"
