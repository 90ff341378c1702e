"""The command-line reference, walked from the typer app (sub-groups and later commands included)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sim.cli.docs_gen.common import cell
from sim.cli.docs_gen.schema_ref import type_text


def _cli_group() -> Any:
    import typer.main

    from sim.cli.main import app

    return typer.main.get_command(app)


def cli_commands(group: Any = None, prefix: str = "sim") -> Iterator[tuple[str, Any]]:
    """(full name, command) for every command of the typer app, sub-groups included."""
    group = group if group is not None else _cli_group()
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        yield full, command
        if hasattr(command, "commands"):
            yield from cli_commands(command, full)


def _param_default(param: Any) -> str:
    default = param.default
    if param.required or default is None or callable(default):
        return ""
    if isinstance(default, bool):
        if param.secondary_opts:
            return f"`{(param.opts if default else param.secondary_opts)[0]}`"
        return "on" if default else "off"
    if isinstance(default, list | tuple) and not default:
        return ""
    return f"`{default}`"


def cli_block() -> str:
    lines = []
    for full, command in cli_commands():
        args = [p for p in command.params if not p.opts[0].startswith("-") and not getattr(p, "hidden", False)]
        opts = [p for p in command.params if p.opts[0].startswith("-") and not getattr(p, "hidden", False)]
        names = [p.name.upper() if p.required else f"[{p.name.upper()}]" for p in args]
        usage = " ".join([full, *(["[OPTIONS]"] if opts else []), *names])
        if hasattr(command, "commands"):
            usage += " COMMAND [ARGS]..."
        lines += [f"### `{full}`", "", cell((command.help or "").strip()), "", "```", usage, "```", ""]
        if args or opts:
            lines += ["| argument / option | type | default | meaning |", "|---|---|---|---|"]
            for p in args + opts:
                label = " / ".join(f"`{o}`" for o in (*p.opts, *p.secondary_opts)) if p in opts \
                    else f"`{p.name.upper()}`" + ("" if p.required else " (optional)")
                kind = type_text(p.type_descriptor.annotation) if hasattr(p, "type_descriptor") else ""
                lines.append(f"| {label} | {kind} | {_param_default(p)} | {cell(getattr(p, 'help', '') or '')} |")
            lines.append("")
    return "\n".join(lines)


