"""How the public question set was split into a tuning and a held-out part (run once, 2026-12-01).

The original 176 cases (evals/vragen.yaml at commit 914e42f) were grouped by topic (the first part of
their id) and answerability; a third of each group, drawn with `random.Random(13)`, went to the held-out
part (evals/vragen-achtergehouden.yaml, part 1), the rest stayed in evals/vragen.yaml as the tuning part.
The held-out part's second half (ids ho-*) was written afterwards from the sources by someone who did not
read the answerer's code. Re-running this on today's vragen.yaml would split the tuning part again:
it is kept as the record of the procedure, not as a step to repeat.

    python bench/split_questions.py ORIGINAL.yaml   # prints the held-out ids
"""

from __future__ import annotations

import collections
import random
import sys
from pathlib import Path

import yaml


def held_out_ids(cases: list[dict[str, object]], seed: int = 13) -> set[str]:
    strata: dict[tuple[str, bool], list[str]] = collections.defaultdict(list)
    for case in cases:
        case_id = str(case["id"])
        strata[(case_id.split("-")[0], case.get("answerable", True) is not False)].append(case_id)
    rng = random.Random(seed)
    held: set[str] = set()
    for key in sorted(strata):
        group = sorted(strata[key])
        rng.shuffle(group)
        held.update(group[: round(len(group) / 3)])
    return held


if __name__ == "__main__":
    original = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print("\n".join(sorted(held_out_ids(original))))
