"""The figure formats every plotting command writes (no matplotlib here: option parsing needs only the names)."""

FIGURE_FORMATS = ("png", "pdf", "svg")
