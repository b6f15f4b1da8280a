"""Gradio histories are normalised into a conversation (follow-ups: test_followup.py)."""

from assistant.answering.chat import from_messages


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
