"""Which audit rule fixes and which breaks the action of which dev pages, per collection.

The unseen-page estimate of the audit's rules (issue 15 item 4): every rule family of
``audit.decide`` (a config switch, one fingerprint of ``resources/audit/*.tsv``, one trade row
of ``host_topics.tsv``) is turned off in turn and the dev pages decided again. A page the rule
*fixes* is right with it and wrong without; a page it *breaks* is wrong with it and right
without. A rule that fixes pages of one collection only (the one it was written from) is
likely overfit; one that fixes pages of several collections, the blind ones among them, and
breaks none, holds on pages it never saw.

    python -m workbench.realweb.rule_effect [--cache FILE]   # dev pages only; needs .realweb/
    python -m workbench.realweb.rule_effect --cache FILE --loco offtopic_host_min_page_terms=0,1,2,3

``--loco SETTING=V1,V2,...`` is the leave-one-collection-out view of one audit.toml threshold:
for each dev collection the value that decides the other collections best is applied to it,
and the held-out pages right are summed (the estimate of that threshold on an unseen
collection; a value that only one collection prefers does not carry).

The whole manifest is analysed once (the duplicate finder needs every page), only the dev
records are kept (``--cache`` stores them as JSON lines to decide again without re-analysing);
no test figure is computed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd

from pipeline import audit
from pipeline.article import Article, Sentence, SpinSpan
from workbench.realweb.evaluate import analysed_run, collection, load_pages, read_folder

Decide = Callable[[Article], tuple[str, str]]


def article_of(rec: dict[str, Any]) -> Article:
    """An :class:`Article` from one ``articles.jsonl`` record (unknown keys ignored)."""
    rec = dict(rec)
    rec["spin_spans"] = [SpinSpan(**s) for s in rec.get("spin_spans") or []]
    rec["sentences"] = [Sentence(**s) for s in rec.get("sentences") or []]
    known = Article.__dataclass_fields__
    return Article(**{k: v for k, v in rec.items() if k in known})


def page_of(article_id: str) -> str:
    return str(article_id).split(".jsonl", 1)[0]


def dev_articles(cache: Path | None = None, root: Path | None = None) -> dict[str, Article]:
    """page_id -> analysed Article of every stored dev page (read from ``cache`` when it exists,
    else analysed with every other manifest page and, with ``cache``, stored there)."""
    if cache is not None and Path(cache).is_file():
        lines = Path(cache).read_text(encoding="utf-8").splitlines()
        return {page_of(r["article_id"]): article_of(r) for r in map(json.loads, lines)}
    pages = load_pages()
    folder = read_folder(pages, root)
    dev = set(pages.page_id[pages.split == "dev"])
    with analysed_run(folder.texts, pages) as out, (out / "articles.jsonl").open(encoding="utf-8") as fh:
        kept = [ln for ln in fh if page_of(json.loads(ln)["article_id"]) in dev]
    if cache is not None:
        Path(cache).write_text("".join(kept), encoding="utf-8")
    return {page_of(r["article_id"]): article_of(r) for r in map(json.loads, kept)}


# --- the rule families and how each is turned off ----------------------------------------------

def _without(fn: Callable, attr: str, drop: str) -> Callable:
    """``fn`` (a fingerprint lookup of pipeline.audit) with the fingerprint ``drop`` left out."""
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        found = fn(*args, **kwargs)
        if attr == "title":
            return None if found and found[0] == drop else found
        return [f for f in found if f[0] != drop]
    return wrapped


@contextmanager
def _patched(target: str, drop: str) -> Iterator[None]:
    if target == "title":
        with mock.patch.object(audit, "spam_title", _without(audit.spam_title, "title", drop)):
            yield
    elif target == "host":
        original = audit.offtopic_host

        def host(*args: Any, **kwargs: Any) -> Any:
            found = original(*args, **kwargs)
            return None if found and found[0] == drop else found
        with mock.patch.object(audit, "offtopic_host", host):
            yield
    else:
        name = {"url": "url_fingerprints", "text": "text_fingerprints"}[target]
        with mock.patch.object(audit, name, _without(getattr(audit, name), target, drop)):
            yield


def families(settings: Any) -> dict[str, tuple[dict[str, Any], tuple[str, str] | None]]:
    """name -> (settings changes, fingerprint to drop) that turn one rule family off."""
    from pipeline.host_topic import HOST_TOPIC, load_host_topics
    from pipeline.url_notes import load_title_templates, load_url_fingerprints

    a = settings
    out: dict[str, tuple[dict[str, Any], tuple[str, str] | None]] = {
        "tiny": ({"tiny_max_words": a.empty_max_words}, None),
        "duplicate": ({"duplicate_kinds": []}, None),
        "spun_offtopic_host": ({"spun_offtopic_host_action": a.spun_action}, None),
        "spun_all_copies": ({"spun_all_copies_action": a.spun_action}, None),
        "spun_low_quality": ({"spun_low_quality_action": a.spun_action}, None),
        "low_quality_fixable": ({"low_quality_fixable_rules": []}, None),
        "low_quality_severe": ({"low_quality_severe_action": a.low_quality_action}, None),
        "low_quality_provenance": ({"low_quality_provenance_action": a.low_quality_action}, None),
        "review_flag_rules": ({"review_flag_rules": []}, None),
        "thin": ({"thin_action": a.default_action}, None),
    }
    if a.link_vehicle_url_patterns:
        for name, _, _ in load_url_fingerprints(a.link_vehicle_url_patterns):
            out[f"link_vehicle_url:{name}"] = ({}, ("url", name))
    if a.spam_title_patterns:
        for name, _ in load_title_templates(a.spam_title_patterns):
            out[f"spam_title:{name}"] = ({}, ("title", name))
    if a.review_url_patterns:
        for name, _, _ in load_url_fingerprints(a.review_url_patterns):
            out[f"review_url:{name}"] = ({}, ("url", name))
    if a.review_text_patterns:
        for name, _, _ in load_url_fingerprints(a.review_text_patterns):
            out[f"review_text:{name}"] = ({}, ("text", name))
    if a.offtopic_host_topics:
        for topic in load_host_topics(a.offtopic_host_topics):
            if topic != HOST_TOPIC:
                out[f"offtopic_host:{topic}"] = ({}, ("host", topic))
    return out


def decisions(articles: dict[str, Article], settings: Any,
              drop: tuple[str, str] | None = None) -> dict[str, str]:
    """page_id -> action under ``settings`` (with the fingerprint ``drop`` turned off)."""
    if drop is None:
        return {pid: audit.decide(a, settings)[0] for pid, a in articles.items()}
    with _patched(*drop):
        return {pid: audit.decide(a, settings)[0] for pid, a in articles.items()}


def effect(articles: dict[str, Article], gold: dict[str, str], settings: Any) -> pd.DataFrame:
    """One row per rule family: the pages it fixes and breaks, per collection."""
    base = decisions(articles, settings)
    rows = []
    for name, (changes, drop) in families(settings).items():
        off = decisions(articles, settings.model_copy(update=changes), drop)
        fixes: dict[str, list[str]] = {}
        breaks: dict[str, list[str]] = {}
        for pid, act in base.items():
            if act == off[pid]:
                continue
            if act == gold[pid]:
                fixes.setdefault(collection(pid), []).append(pid)
            elif off[pid] == gold[pid]:
                breaks.setdefault(collection(pid), []).append(pid)
        changed = sum(base[p] != off[p] for p in base)
        rows.append({"family": name, "changed": changed,
                     "fixes": sum(map(len, fixes.values())), "breaks": sum(map(len, breaks.values())),
                     "fix_collections": len(fixes), "break_collections": len(breaks),
                     "fixes_by": _by(fixes), "breaks_by": _by(breaks),
                     "verdict": verdict(len(fixes), sum(map(len, fixes.values())),
                                        sum(map(len, breaks.values())), changed)})
    return pd.DataFrame(rows)


def _by(found: dict[str, list[str]]) -> str:
    return " ".join(f"{c}:{len(p)}" for c, p in sorted(found.items()))


def verdict(fix_collections: int, fixes: int, breaks: int, changed: int) -> str:
    """``unused`` (moves no dev page), ``harmful`` (breaks at least as many as it fixes),
    ``one-collection`` (fixes pages of one collection only: likely written from it), else
    ``general``."""
    if not changed:
        return "unused"
    if breaks >= fixes:
        return "harmful"
    if fix_collections <= 1:
        return "one-collection"
    return "general"


def by_collection(actions: dict[str, str], gold: dict[str, str]) -> pd.DataFrame:
    """Actions right per collection and per gold action (``right/labelled``)."""
    rows: dict[str, dict[str, Any]] = {}
    for pid, act in actions.items():
        row = rows.setdefault(collection(pid), {"right": 0, "pages": 0})
        g = gold[pid]
        row["right"] += act == g
        row["pages"] += 1
        r, n = row.get(g, (0, 0))
        row[g] = (r + (act == g), n + 1)
    out = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    for g in ("keep", "review", "rewrite", "remove"):
        out[g] = [f"{v[0]}/{v[1]}" if isinstance(v, tuple) else "0/0" for v in out.get(g, [None] * len(out))]
    return out[["right", "pages", "keep", "review", "rewrite", "remove"]]


def setting_value(text: str) -> Any:
    """A setting's value from the command line: an int, else a float, else the text itself."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def setting_loco(articles: dict[str, Article], gold: dict[str, str], settings: Any, name: str,
                 values: list[Any]) -> pd.DataFrame:
    """Leave one collection out for one audit setting ``name``: for each collection the value of
    ``values`` that decides the most pages of the *other* collections right (ties: the shipped
    value, then the first listed) is applied to the held-out collection. One row per
    collection: the value chosen, and the held-out pages right with the shipped value and with
    the chosen one (their sum over the rows is the unseen-page estimate of tuning ``name``)."""
    shipped = getattr(settings, name)
    tried = list(dict.fromkeys([shipped, *values]))
    acts = {v: decisions(articles, settings.model_copy(update={name: v})) for v in tried}
    cols = sorted({collection(p) for p in articles})

    def right(v: Any, col: str, inside: bool) -> int:
        return sum(acts[v][p] == gold[p] for p in articles if (collection(p) == col) == inside)

    rows = []
    for col in cols:
        order = [shipped, *values] if shipped in values else list(values)
        best = max(order, key=lambda v: (right(v, col, False), -order.index(v)))
        rows.append({"collection": col, "chosen": best, "pages": sum(collection(p) == col for p in articles),
                     "right_shipped": right(shipped, col, True), "right_chosen": right(best, col, True)})
    return pd.DataFrame(rows)


def main(cache: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    from pipeline.config import load_settings

    articles = dev_articles(cache)
    pages = load_pages()
    gold = dict(zip(pages.page_id, pages.action, strict=True))
    settings = load_settings(None).audit
    return by_collection(decisions(articles, settings), gold), effect(articles, gold, settings)


if __name__ == "__main__":  # pragma: no cover
    from workbench import script_parser

    parser = script_parser("workbench.realweb.rule_effect", __doc__)
    parser.add_argument("--cache", type=Path, default=None,
                        help="JSON lines of the analysed dev pages (written when absent)")
    parser.add_argument("--loco", default=None, metavar="SETTING=V1,V2,...",
                        help="leave one collection out for one audit.toml setting over these values "
                             "instead of the rule table")
    args = parser.parse_args()
    pd.set_option("display.width", 250)
    if args.loco:
        from pipeline.config import load_settings

        name, _, listed = args.loco.partition("=")
        pages = load_pages()
        out = setting_loco(dev_articles(args.cache), dict(zip(pages.page_id, pages.action, strict=True)),
                           load_settings(None).audit, name, [setting_value(v) for v in listed.split(",")])
        sys.stdout.write(out.to_string(index=False) + f"\nheld-out right: {out.right_shipped.sum()} "
                         f"shipped, {out.right_chosen.sum()} chosen, of {out.pages.sum()}\n")
        sys.exit(0)
    pd.set_option("display.max_rows", 500)
    pd.set_option("display.max_colwidth", 80)
    table, rules = main(args.cache)
    sys.stdout.write(table.to_string() + "\n\n" + rules.to_string(index=False) + "\n")
