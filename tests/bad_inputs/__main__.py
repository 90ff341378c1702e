"""``python -m tests.bad_inputs [--only ID...]``: run the corpus and print every case's status and the counts."""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

from tests.bad_inputs import all_cases, run_case


def main(argv: list[str]) -> int:
    only = set(argv)
    counts: Counter[str] = Counter()
    for case in all_cases():
        if only and case.id not in only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            outcome = run_case(case, Path(tmp))
        counts[outcome.status] += 1
        print(f"{outcome.status:9} {outcome.seconds:6.2f}s {case.id:45} {outcome.detail or outcome.message}"[:600],
              flush=True)
    print(f"{sum(counts.values())} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
