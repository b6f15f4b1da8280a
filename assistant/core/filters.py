"""Metadata filters as a domain type; the store adapter translates them into its own query dialect."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.core.documents import CROSS_SECTOR, DocumentMeta


def admitted_sectors(sectors: Iterable[str]) -> frozenset[str]:
    """The one rule for sector filters: a sector also admits the texts that hold for every sector."""
    chosen = frozenset(sectors)
    return chosen | {CROSS_SECTOR} if chosen else chosen


def admits_sector(sectors: Iterable[str], doc: DocumentMeta) -> bool:
    """Whether a document passes a filter on `sectors` (no sectors: every document does)."""
    wanted = admitted_sectors(sectors)
    return not wanted or bool(wanted & set(doc.sector))


@dataclass(frozen=True)
class Filters:
    """Metadata filters; empty tuples mean "any". A sector filter also admits cross-sector texts."""

    sector: tuple[str, ...] = ()
    soort: tuple[str, ...] = ()
    doelgroep: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.sector or self.soort or self.doelgroep or self.doc_ids)

    def matches(self, doc: DocumentMeta) -> bool:
        return (
            admits_sector(self.sector, doc)
            and (not self.soort or doc.soort in self.soort)
            and (not self.doelgroep or bool(set(self.doelgroep) & set(doc.doelgroep)))
            and (not self.doc_ids or doc.id in self.doc_ids)
        )
