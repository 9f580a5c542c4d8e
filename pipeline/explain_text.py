"""Plain-language text of the quality rules: a failed flag as a sentence with its value and limit.

The names and sentence templates are data (``resources/report/rules.toml``); a rule that is not
listed there is shown by its id with the value and the limit, so nothing is ever hidden.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def rules() -> dict[str, dict[str, str]]:
    """Rule id -> ``{name, unit, below, above, about}`` from ``rules.toml``."""
    path = resources.files("pipeline") / "resources" / "report" / "rules.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _shown(value: float, unit: str) -> str:
    if unit == "share":
        pct = value * 100
        return f"{pct:.0f}%" if abs(pct) >= 10 or pct == int(pct) else f"{pct:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "z":
        return f"{abs(value):.1f}"
    # Two significant digits below 1 (0.0086 against a limit of 0.015 must not both read 0.01).
    if abs(value) < 1:
        return f"{value:.2g}"
    return f"{value:.1f}" if abs(value) < 100 else f"{value:,.0f}"


def rule_name(rule: str) -> str:
    """A rule's plain name ("keyword stuffing"), or its id when it has none."""
    return rules().get(rule, {}).get("name", rule)


def flag_sentence(flag: Mapping[str, Any] | str) -> str:
    """``name: what was found and the limit`` for one quality flag (a dict or a bare id)."""
    if not isinstance(flag, Mapping):
        return rule_name(str(flag))
    rule = str(flag.get("rule", "?"))
    spec = rules().get(rule, {})
    value, limit = _number(flag.get("value")), _number(flag.get("threshold"))
    if value is None or limit is None:
        return spec.get("name", rule)
    side = "below" if flag.get("op") == "<" else "above"
    template = spec.get(side)
    if not template:
        return f"{spec.get('name', rule)}: {value:.3g} {flag.get('op', '')} limit {limit:g}"
    unit = spec.get("unit", "number")
    text = template.format(value=_shown(value, unit), limit=_shown(limit, unit))
    return f"{spec['name']}: {text}"


def flags_sentence(flags: Iterable[Mapping[str, Any] | str], limit: int | None = None) -> str:
    """The sentences of ``flags`` joined by "; " (the first ``limit``, then "+N more"); rules
    that share a plain name are said under it once ("keyword stuffing: ...; ...")."""
    flags = list(flags)
    more = len(flags) - limit if limit is not None and len(flags) > limit else 0
    groups: dict[str, list[str]] = {}
    for f in flags[:limit] if more else flags:
        name, _, rest = flag_sentence(f).partition(": ")
        groups.setdefault(name, [])
        if rest:
            groups[name].append(rest)
    text = "; ".join(f"{name}: {'; '.join(parts)}" if parts else name
                     for name, parts in groups.items())
    return text + (f" (+{more} more)" if more else "")


def flag_rules(flags: Iterable[Mapping[str, Any] | str]) -> list[str]:
    """The rule ids of ``flags``, in order."""
    return [str(f.get("rule", "?")) if isinstance(f, Mapping) else str(f) for f in flags]


def glossary(rule_ids: Iterable[str]) -> list[dict[str, str]]:
    """``{rule, name, about}`` for each distinct id, sorted by id."""
    return [{"rule": r, "name": rule_name(r), "about": rules().get(r, {}).get("about", "")}
            for r in sorted(set(rule_ids))]


@lru_cache(maxsize=1)
def signals() -> dict[str, dict[str, str]]:
    """Spin signal id -> ``{name, about}`` from ``signals.toml``."""
    path = resources.files("pipeline") / "resources" / "report" / "signals.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def signal_name(signal: str) -> str:
    """A spin signal's plain name, or its id when it has none."""
    return signals().get(signal, {}).get("name", signal)
