"""Model cards rendered from the Jinja2 templates in ``workbench/templates/``: the prose lives
in the template, the numbers come from the training results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render(name: str, **context: Any) -> str:
    """``templates/<name>`` filled with ``context``; a missing value is an error, not a blank."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)
    return env.get_template(name).render(**context)
