"""The bad-input corpus (issue 14): every case is refused with exit code 2 and one clear line, never a traceback.

Cases live in ``tests/bad_inputs`` (``python -m tests.bad_inputs`` prints every case's status and the counts).
Most run in-process through typer's CliRunner; the memory- and time-critical ones (alias bombs, ``/dev/zero``,
huge files, huge designs) run in a subprocess limited to 1 GiB of address space and a 10 s budget.
"""

from __future__ import annotations

import pytest

import sim.cli.main  # noqa: F401 - import once here, so no case is timed with the first import
from tests.bad_inputs import all_cases, run_case

CASES = all_cases()


def test_the_corpus_is_large_and_names_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) >= 80 and len(set(ids)) == len(ids)
    assert sum(case.subprocess for case in CASES) >= 8


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_input_is_refused_in_one_line(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # default output folders (out/, runs/sweeps/) land in the case's own folder
    outcome = run_case(case, tmp_path)
    assert outcome.status == "refused", f"{outcome.status}: {outcome.detail or outcome.message}"
    assert outcome.exit_code == 2 and outcome.seconds < 10
