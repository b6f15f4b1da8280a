"""A filter is a hard limit: what an answer plan may draw on within it, whether a question asks outside
it, and how the scope is named when nothing within it answers ("In de sector defensie vond ik ...").

The retrieval already keeps to the filter; the plans read whole documents beyond the retrieved passages
(every casus of a sector, the regels, the checklists), so they get a `Library` restricted here too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from assistant import texts
from assistant.answering.reading import Reading
from assistant.core.documents import CROSS_SECTOR, Chunk, DocumentMeta
from assistant.core.filters import Filters


def limits(filters: Filters | None) -> bool:
    """Whether the filters narrow anything down."""
    return filters is not None and not filters.is_empty()


def restrict(
    documents: Mapping[str, DocumentMeta], chunks_of: Callable[[str], list[Chunk]], filters: Filters | None
) -> tuple[dict[str, DocumentMeta], Callable[[str], list[Chunk]]]:
    """The documents and the chunk lookup a plan may use: only what the filters admit."""
    if not limits(filters):
        return dict(documents), chunks_of
    assert filters is not None  # for the type checker: `limits` said so
    admitted = {doc_id: doc for doc_id, doc in documents.items() if filters.matches(doc)}
    return admitted, lambda doc_id: chunks_of(doc_id) if doc_id in admitted else []


def chosen_sectors(filters: Filters | None) -> tuple[str, ...]:
    """The sectors a filter chose, without the sector-wide texts every sector filter admits."""
    return tuple(s for s in (filters.sector if filters else ()) if s != CROSS_SECTOR)


def asks_outside(reading: Reading, filters: Filters | None) -> bool:
    """The question is about a sector the filter leaves out ("... in de zorg?" with only defensie chosen):
    nothing within the filter answers it, whatever the passages say about the chosen sector."""
    chosen = chosen_sectors(filters)
    return bool(chosen and reading.sectors and not set(reading.sectors) & set(chosen))


def name(filters: Filters, documents: Mapping[str, DocumentMeta]) -> str:
    """The scope in Dutch: "de sector defensie", "de casussen van de sectoren zorg en onderwijs",
    "‘Nationale Zorgreserve’"."""
    s = texts.SCOPE
    if filters.doc_ids:
        titles = [documents[d].titel for d in filters.doc_ids if d in documents]
        return s["document"].format(title=titles[0]) if len(titles) == 1 else s["documents"]
    parts: list[str] = []
    if filters.soort:
        parts.append(_listed([texts.SCOPE_SOORT.get(k, k) for k in filters.soort]))
    if filters.sector:
        key = "sector" if len(filters.sector) == 1 else "sectors"
        sectors = s[key].format(sectors=_listed(list(filters.sector)))
        parts.append(sectors if not parts else s["of"].format(sectors=sectors))
    if filters.doelgroep:
        parts.append(s["doelgroep"].format(doelgroep=_listed(list(filters.doelgroep))))
    return " ".join(parts) or s["all"]


def _listed(items: Sequence[str]) -> str:
    """ "zorg", "zorg en onderwijs", "zorg, onderwijs en defensie" """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {texts.SCOPE['and']} {items[-1]}"
