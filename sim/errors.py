"""The project's own error types: every user-facing failure is one of these."""

from __future__ import annotations


class SimError(Exception):
    """Base class for all errors the simulator reports to users."""


class ScenarioError(SimError):
    """A scenario file is malformed or inconsistent.

    The message names the file, the line, the field and what was expected.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.file = file
        self.line = line
        self.field = field
        where = ""
        if file:
            where = f"{file}:{line}: " if line else f"{file}: "
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}{what}{message}")
        self.detail = message


class ScenarioErrors(ScenarioError):
    """Several problems found in one file, reported together."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = errors
        Exception.__init__(self, "\n".join(str(e) for e in errors))
        self.file = errors[0].file if errors else None
        self.line = errors[0].line if errors else None
        self.field = errors[0].field if errors else None
        self.detail = str(self)


class MechanismError(SimError):
    """A mechanism was asked for by a name that does not exist, or given bad parameters."""


class SimWarning(UserWarning):
    """Something was wrong but could be worked around (a damaged file set aside); the CLI prints it in one line."""
