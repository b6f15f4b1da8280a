"""Question-set cases: a single question, or a conversation of turns, each with its expectations."""

from __future__ import annotations

from dataclasses import dataclass

from assistant import texts
from assistant.core.filters import Filters

NO_FILTERS = Filters()


@dataclass(frozen=True)
class Turn:
    """One question of a conversation with what its answer must hold."""

    question: str
    expect_facts: tuple[tuple[str, ...], ...] = ()
    expect_sources: tuple[str, ...] = ()
    answerable: bool = True
    filters: Filters = NO_FILTERS
    new_subject: bool = False  # starts another topic: nothing of the earlier turns may be carried into it
    note: str = ""  # the set's own remark (`notes:`), shown with the result
    todo: str = ""  # what the organiser still has to fill in (`todo:`): until then the turn is not judged

    @property
    def has_expectations(self) -> bool:
        """Something to check: a fact, a source, or that it must be refused. Without, a pass means nothing."""
        return bool(self.expect_facts or self.expect_sources or not self.answerable)

    @property
    def to_review(self) -> bool:
        return bool(self.todo) or not self.has_expectations

    def as_case(self, case_id: str) -> Case:
        """This turn as a case of its own (what is scored for it)."""
        return Case(case_id, self.question, self.expect_facts, self.expect_sources, self.answerable,
                    self.filters, note=self.note, todo=self.todo)  # fmt: skip


@dataclass(frozen=True)
class Case:
    """A single question, or a conversation (`turns`, the first one included; `question` is its first)."""

    id: str
    question: str
    expect_facts: tuple[tuple[str, ...], ...] = ()
    expect_sources: tuple[str, ...] = ()
    answerable: bool = True
    filters: Filters = NO_FILTERS
    turns: tuple[Turn, ...] = ()
    note: str = ""
    todo: str = ""  # of a conversation: every turn waits for the organiser

    @property
    def to_review(self) -> bool:
        """Nothing to check yet (every turn, for a conversation): te beoordelen, never geslaagd."""
        return all(turn.to_review for turn in self.as_turns())

    def as_turns(self) -> tuple[Turn, ...]:
        """The turns to ask: a single question is a conversation of one turn."""
        if self.turns:
            return self.turns
        return (
            Turn(self.question, self.expect_facts, self.expect_sources, self.answerable, self.filters,
                 note=self.note, todo=self.todo),
        )  # fmt: skip


def set_error(code: str, detail: object = "") -> str:
    return texts.EVAL_SET_ERRORS[code].format(detail=detail)
