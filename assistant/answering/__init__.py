"""Answering: read the question, retrieve, decide to refuse, compose a cited answer, keep the conversation."""
