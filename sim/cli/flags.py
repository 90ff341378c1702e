"""Help without a ``<bool>`` placeholder: an on/off flag takes no value, so its help row shows no type.

Typer's rich help prints the Python type of every option, flags included (``--strict <bool>``); these command
and group classes blank the type of flags (and of ``--help``) and leave every other option as Typer shows it.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup


def _blank_flags(params: list[Any]) -> None:
    for param in params:
        if getattr(param, "is_flag", False) and getattr(param, "metavar", "") is None:
            param.metavar = ""


class _BlankFlags:
    """Mixin: no ``<bool>`` placeholder after flags, the help flag included."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _blank_flags(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            _blank_flags([option])
        return option


class FlagCommand(_BlankFlags, TyperCommand):
    """A command whose help shows flags without a placeholder."""


class FlagGroup(_BlankFlags, TyperGroup):
    """The app (group) with the same help rendering."""
