"""Feedback: 👍/👎 on answers in a database, and its exports."""
