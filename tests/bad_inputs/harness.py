"""Run one bad-input case and classify what the command did.

A case writes its files into a fresh folder, runs one ``sim`` command (in-process through typer's CliRunner, or
in a subprocess under a 1 GiB address-space limit when memory or time is the point; its time is then the child's
CPU time, which does not depend on how busy the machine is) and is classified as:

* ``refused``   exit code 2, one message line (or one located line per problem), ``file:line`` and the field
                when the case names them, no traceback;
* ``traceback`` a Python exception escaped (or the process died of one, or ran out of memory);
* ``accepted``  exit code 0: the bad input was silently taken;
* ``hang``      the subprocess used up its CPU limit (or, blocked, a generous wall-clock backstop);
* ``unclear``   refused, but the message misses the line, the field, the expected text, or spans several lines.
"""

from __future__ import annotations

import re
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
LIMIT_BYTES = 1 << 30
LIMIT_SECONDS = 10.0  # CPU seconds a case may use
HANG_CPU_SECONDS = 30  # a subprocess that burns this much CPU is stopped and counts as hung (load-independent)
WALL_SECONDS = 600.0  # backstop for a subprocess that blocks without using CPU; generous, the machine may be busy
LOCATION = re.compile(r"\S+\.(ya?ml|json|parquet):\d+: |\S+:\d+: ")


@dataclass
class Case:
    """One bad input: files to write, the command to run (``{d}`` = the case folder), what the message names."""

    id: str
    argv: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    field: str | None = None  # text that must appear in the message (usually the field path)
    line: bool = True  # the message must carry file:line
    contains: tuple[str, ...] = ()
    subprocess: bool = False
    usage: bool = False  # a command-line usage error (click prints its own box)
    setup: Callable[[Path], None] | None = None
    absent: tuple[str, ...] = ()  # paths (``{d}`` = the case folder) that must not exist afterwards


@dataclass
class Outcome:
    status: str
    exit_code: int | None
    seconds: float
    message: str
    detail: str = ""


def _materialise(case: Case, folder: Path) -> list[str]:
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.setup is not None:
        case.setup(folder)
    return [a.replace("{d}", str(folder)) for a in case.argv]


def _limits() -> None:  # pragma: no cover - runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (HANG_CPU_SECONDS, HANG_CPU_SECONDS + 1))  # SIGXCPU, then SIGKILL


def run_case(case: Case, folder: Path) -> Outcome:
    """Run ``case`` inside ``folder`` and classify the result."""
    argv = _materialise(case, folder)
    start, cpu = time.perf_counter(), _child_cpu()
    if case.subprocess:
        try:
            proc = subprocess.run([sys.executable, "-m", "sim", *argv], capture_output=True, text=True,
                                  cwd=folder, timeout=WALL_SECONDS, preexec_fn=_limits,
                                  env=_env())
        except subprocess.TimeoutExpired:
            return Outcome("hang", None, time.perf_counter() - start, "")
        code, err, out, exc = proc.returncode, proc.stderr, proc.stdout, None
        seconds = _child_cpu() - cpu
        if code in (-signal.SIGXCPU, -signal.SIGKILL):  # stopped by its CPU limit, however busy the machine
            return Outcome("hang", None, seconds, "", f"used {seconds:.0f} s of CPU")
    else:
        from sim.cli.main import app

        own = time.process_time()
        result = CliRunner().invoke(app, argv, catch_exceptions=True)
        code, err, out = result.exit_code, result.stderr, result.stdout
        exc = result.exception if not isinstance(result.exception, SystemExit) else None
        seconds = time.process_time() - own  # CPU time: the same on a busy machine
    outcome = classify(case, code, out, err, exc, seconds)
    written = [p for p in (a.replace("{d}", str(folder)) for a in case.absent) if Path(p).exists()]
    if written and outcome.status == "refused":
        return Outcome("unclear", code, seconds, outcome.message, f"wrote {written} before refusing")
    return outcome


def _child_cpu() -> float:
    """CPU seconds used by finished children: the time a subprocess case costs, whatever the machine's load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}


def classify(case: Case, code: int | None, out: str, err: str, exc: BaseException | None,
             seconds: float) -> Outcome:
    text = (err or "") + (out or "")
    if exc is not None or "Traceback (most recent call last)" in text or "MemoryError" in text:
        name = type(exc).__name__ if exc is not None else _last_exception(text)
        return Outcome("traceback", code, seconds, "", f"{name}: {str(exc)[:200] if exc else text[-300:]}")
    if code == 0:
        return Outcome("accepted", code, seconds, "", out[-200:])
    if code != 2:
        return Outcome("traceback", code, seconds, "", f"exit {code}: {text[-300:]}")
    lines = [ln for ln in (err or out).strip().splitlines() if ln.strip()]
    message = lines[-1] if lines else ""
    problems = []
    if case.usage:
        if "Traceback" in text:
            problems.append("traceback")
    else:
        if len(lines) != 1 and not all(LOCATION.search(ln) for ln in lines):  # several located problems: fine
            problems.append(f"{len(lines)} lines")
        if case.line and not LOCATION.search(message):
            problems.append("no file:line")
    if case.field and case.field not in text:
        problems.append(f"field {case.field!r} not named")
    for want in case.contains:
        if want not in text:
            problems.append(f"{want!r} missing")
    if seconds > LIMIT_SECONDS:
        problems.append(f"{seconds:.1f} s")
    if problems:
        return Outcome("unclear", code, seconds, message, "; ".join(problems) + f" | {text.strip()[:300]}")
    return Outcome("refused", code, seconds, message)


def _last_exception(text: str) -> str:
    found = re.findall(r"^(\w+(?:Error|Exception|Worker)\b.*)$", text, flags=re.M)
    return found[-1][:200] if found else "died"
