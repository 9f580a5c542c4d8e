"""Every verdict measured on our labelled real web pages (issue 15; spin pages for issue 16).

The labels and the manifest are committed (``workbench/realweb/*.csv``); the page text is not: it
is read from ``.realweb/pages/<page_id>.txt`` (or ``$REALWEB/pages``). When the folder is missing
the evaluation says how to rebuild it (README.md beside this file) instead of failing.

Two parts: ``dev`` (thresholds may be tuned on it) and ``test`` (set aside). Every figure is
reported per part.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
COMPONENTS = ("bond", "goals", "tasks", "rupture_repair")


def realweb_root(root: Path | None = None) -> Path:
    """The git-ignored folder that holds the page text."""
    if root is not None:
        return Path(root)
    env = os.environ.get("REALWEB")
    return Path(env) if env else HERE.parent.parent / ".realweb"


def load_pages(labels: Path | None = None) -> pd.DataFrame:
    """Every ``pages_*.csv`` (manifest and page labels), one row per page."""
    labels = Path(labels) if labels is not None else HERE
    parts = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(labels.glob("pages_*.csv"))]
    if not parts:
        return pd.DataFrame(columns=["page_id", "split", "url"])
    df = pd.concat(parts, ignore_index=True).drop_duplicates("page_id")
    for col in ("low_quality", "spun"):
        if col not in df:   # a manifest part without page labels
            continue
        df[col] = df[col].map(lambda v: str(v).strip() in ("1", "true", "True"))
    return df


def load_sentences(labels: Path | None = None) -> pd.DataFrame:
    """Every ``sentences_*.csv``: labelled sentences by offsets into the stored pages."""
    labels = Path(labels) if labels is not None else HERE
    parts = [pd.read_csv(p, dtype={"page_id": str, "sha1": str, "split": str})
             .assign(file=p.stem.removeprefix("sentences_"))
             for p in sorted(labels.glob("sentences_*.csv"))]
    if not parts:
        return pd.DataFrame(columns=["sent_id", "split", "page_id", "start", "end", *COMPONENTS, "file"])
    return pd.concat(parts, ignore_index=True)


@dataclass
class Folder:
    """The stored texts that match the manifest, and what is missing or changed."""

    texts: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def read_folder(pages: pd.DataFrame, root: Path | None = None) -> Folder:
    """Read ``<root>/pages/<page_id>.txt`` for every manifest row, checking its sha1."""
    base = realweb_root(root) / "pages"
    out = Folder()
    for row in pages.itertuples():
        path = base / f"{row.page_id}.txt"
        if not path.is_file():
            out.missing.append(row.page_id)
            continue
        data = path.read_bytes()
        sha1 = getattr(row, "sha1", "")
        if sha1 and hashlib.sha1(data).hexdigest() != sha1:
            out.changed.append(row.page_id)
            continue
        out.texts[row.page_id] = data.decode("utf-8")
    return out


def how_to_rebuild(root: Path | None = None) -> str:
    """The message printed when the page text is absent."""
    return (f"real-web pages not found under {realweb_root(root) / 'pages'}: the page text is not "
            "stored in git. Rebuild it as described in workbench/realweb/README.md (search each "
            "manifest query in the stored-web `pages` corpus, save the result whose URL matches as "
            "<page_id>.txt, check the sha1), or point REALWEB at a copy.")


# --- page level --------------------------------------------------------------------------------

@contextmanager
def analysed_run(texts: dict[str, str], pages: pd.DataFrame, settings: Any = None,
                 workers: int = 1) -> Iterator[Path]:
    """The output folder of the whole ``analyze`` run on the pages (one JSONL record each, with
    its URL), removed on exit."""
    from pipeline.config import load_settings
    from pipeline.run import run_analysis

    settings = settings or load_settings(None)
    urls = dict(zip(pages.page_id, pages.url, strict=True))
    with tempfile.TemporaryDirectory(prefix="realweb-") as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        corpus.mkdir()
        for pid, text in texts.items():
            record = {"url": urls.get(pid, ""), "text": text}
            (corpus / f"{pid}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        run_analysis(corpus, out, settings, workers=workers, use_cache=False, progress=False)
        yield out


def analyse_pages(texts: dict[str, str], pages: pd.DataFrame, settings: Any = None,
                  workers: int = 1) -> pd.DataFrame:
    """Run the whole ``analyze`` on the pages (one JSONL record each, with its URL)."""
    with analysed_run(texts, pages, settings, workers) as out:
        got = pd.read_csv(out / "articles.csv", dtype={"article_id": str}, keep_default_na=False)
        metrics, analysed, spans = {}, {}, {}
        with (out / "articles.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                aid = rec["article_id"]
                metrics[aid] = (rec.get("quality") or {}).get("metrics", {})
                analysed[aid] = rec.get("text", "")
                spans[aid] = [(int(x["start_char"]), int(x["end_char"]), x.get("suggestion") or "")
                              for x in rec.get("spin_spans") or []]
    got["page_id"] = got["article_id"].str.replace(r"\.jsonl.*$", "", regex=True)
    got["metrics"] = got["article_id"].map(metrics)
    got["analysed_text"] = got["article_id"].map(analysed)
    got["spin_spans"] = got["article_id"].map(spans)
    return got


def analyse_dev(root: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the dev rows of the manifest, :func:`analyse_pages` of the stored dev pages): what the
    dev-only tools (dump_actions, loco) start from."""
    pages = load_pages()
    pages = pages[pages.split == "dev"]
    folder = read_folder(pages, root)
    if not folder.texts:
        raise SystemExit(f"no dev pages stored under .realweb/pages\n{how_to_rebuild(root)}")
    return pages, analyse_pages(folder.texts, pages[pages.page_id.isin(folder.texts)])


def _truthy(v: Any) -> bool:
    return str(v).strip().lower() in ("1", "true", "yes")


def _rate(num: int, den: int) -> float:
    return round(num / den, 4) if den else float("nan")


def page_scores(got: pd.DataFrame, pages: pd.DataFrame) -> dict[str, Any]:
    """Quality, spin and action figures of one part (labels joined on page_id)."""
    df = pages.merge(got, on="page_id", how="inner", suffixes=("_gold", ""))
    pred_low = df["low_quality"].map(_truthy)
    gold_low = df["low_quality_gold"].astype(bool)
    pred_spun = df["spun"].map(_truthy)
    gold_spun = df["spun_gold"].astype(bool)
    sound = ~gold_low
    clean = ~gold_spun
    rules: dict[str, int] = {}
    for flags in df.loc[sound & pred_low, "quality_flags"]:
        for f in str(flags).split(";"):
            if f:
                name = f.split("=", 1)[0]
                rules[name] = rules.get(name, 0) + 1
    fired: dict[str, int] = {}
    for flags in df.loc[sound, "quality_flags"]:
        for name in {f.split("=", 1)[0] for f in str(flags).split(";") if f}:
            fired[name] = fired.get(name, 0) + 1
    right = df["action"] == df["action_gold"]
    by_action = {a: f"{int((right & (df['action_gold'] == a)).sum())}/{int((df['action_gold'] == a).sum())}"
                 for a in ("keep", "review", "rewrite", "remove")}
    return {
        "pages": int(len(df)),
        "low_quality_on_sound": _rate(int((pred_low & sound).sum()), int(sound.sum())),
        "low_quality_recall": _rate(int((pred_low & gold_low).sum()), int(gold_low.sum())),
        "damaged_pages": int(gold_low.sum()),
        "spun_on_clean": _rate(int((pred_spun & clean).sum()), int(clean.sum())),
        "spun_recall": _rate(int((pred_spun & gold_spun).sum()), int(gold_spun.sum())),
        "spun_pages": int(gold_spun.sum()),
        "actions_right": _rate(int(right.sum()), int(len(df))),
        "actions_right_by_gold": by_action,
        "false_low_quality_by_rule": dict(sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))),
        "rule_fires_on_sound": {k: _rate(v, int(sound.sum()))
                                for k, v in sorted(fired.items(), key=lambda kv: (-kv[1], kv[0]))},
        "wrong_actions": [
            f"{r.page_id}: {r.action_gold} -> {r.action} ({r.action_reason if 'action_reason' in df else ''})"
            for r in df.loc[~right].itertuples()],
    }


def parse_swaps(value: Any) -> list[tuple[str, str]]:
    """The labelled swaps of a spun page, ``written=>original;...``, as (written, original)."""
    out = []
    for item in str(value or "").split(";"):
        written, sep, original = item.partition("=>")
        if sep and written.strip() and original.strip():
            out.append((written.strip(), original.strip()))
    return out


def locate(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where ``phrase`` is written in ``text`` as whole words (case ignored when it is not
    found with its own case: a label may change a capital)."""
    for flags in (0, re.IGNORECASE):
        rx = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)", flags)
        found = [m.span() for m in rx.finditer(text)]
        if found:
            return found
    return []


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s'-]", " ", text.lower()).split())


def _rewrite(text: str, start: int, end: int, edits: list[tuple[int, int, str]]) -> str:
    """``text[start:end]`` with the non-overlapping ``edits`` (start, end, replacement) inside it
    applied, leftmost first."""
    out, pos = [], start
    for a, b, rep in sorted(edits):
        if a < pos or b > end:
            continue
        out += [text[pos:a], rep]
        pos = b
    return "".join(out) + text[pos:end]


def restored_right(text: str, hits: list[tuple[int, int, str]], gold: list[tuple[int, int, str]]
                   ) -> bool:
    """Whether the suggestions of ``hits`` (the spans caught on one labelled swap) restore the
    labelled wording: the stretch of text they and the swap cover, rewritten once with the
    suggestions and once with every labelled swap inside it, reads the same (case, spacing and
    punctuation aside). So "temper" -> "mood" restores "temper swings => mood swings", while a
    span without a suggestion, or a wrong one beside it, does not."""
    start = min(a for a, _, _ in hits)
    end = max(b for _, b, _ in hits)
    inside = [g for g in gold if g[0] < end and g[1] > start]
    start, end = min([start, *(g[0] for g in inside)]), max([end, *(g[1] for g in inside)])
    if any(not s.strip() for _, _, s in hits):
        return False
    return _norm(_rewrite(text, start, end, hits)) == _norm(_rewrite(text, start, end, inside))


def swap_scores(got: pd.DataFrame, pages: pd.DataFrame) -> dict[str, Any]:
    """The spin evidence against the labelled swaps of the spun pages (issue 16 on real pages).

    Each labelled swap ``written=>original`` is looked up in the analysed text (``located``;
    a label the cleaning changed, or typed differently, is not found). A located swap is
    ``caught`` when a suspect span matches one of its places (``span_metrics``' rule of the spin
    evaluation: overlap of half the shorter and a fifth of the longer) and ``restored_exactly``
    when the suggestions of those spans restore the labelled wording (:func:`restored_right`).
    ``*_on_flagged`` counts only the pages judged spun; ``restored_exactly`` is a share of the
    caught swaps. ``spans_on_swaps``: the share of suspect spans on flagged spun pages that
    match a labelled swap (a lower bound of precision: labels list the clear swaps only)."""
    from workbench.spin.evaluate import span_metrics

    df = pages.merge(got, on="page_id", how="inner", suffixes=("_gold", ""))
    df = df[df["spun_gold"].astype(bool)]
    listed = located = caught = exact = 0
    flagged_located = flagged_caught = 0
    spans_total = spans_on = 0
    for r in df.itertuples():
        swaps = parse_swaps(getattr(r, "swaps", ""))
        text = str(getattr(r, "analysed_text", "") or "")
        pred = [tuple(p) for p in getattr(r, "spin_spans", None) or []]
        flagged = _truthy(r.spun)
        listed += len(swaps)
        found = [(written, original, locate(text, written)) for written, original in swaps]
        gold = [(a, b, original) for _, original, places in found for a, b in places]
        for _, _, places in found:
            if not places:
                continue
            located += 1
            flagged_located += flagged
            for place in places:
                hits = [p for p in pred if span_metrics([p[:2]], [place])["gold_matched"]]
                if hits:
                    break
            if hits:
                caught += 1
                flagged_caught += flagged
                exact += restored_right(text, hits, gold)
        if flagged and pred:
            m = span_metrics([p[:2] for p in pred], [g[:2] for g in gold])
            spans_total += len(pred)
            spans_on += m["pred_matched"]
    return {"spun_pages": int(len(df)), "swaps_listed": listed, "swaps_located": located,
            "caught": _rate(caught, located), "caught_on_flagged": _rate(flagged_caught, flagged_located),
            "restored_exactly": _rate(exact, caught), "spans_on_swaps": _rate(spans_on, spans_total)}


def _page_of(article_id: Any) -> str:
    return str(article_id or "").split(".jsonl", 1)[0]


def duplicate_scores(got: pd.DataFrame, pages: pd.DataFrame, part: str) -> dict[str, Any]:
    """Which member the duplicate finder keeps, against the ``duplicate_of`` labels of ``part``.

    A gold cluster is a labelled original with its copies of ``part`` (the original may lie in
    another part: all pages are analysed together). ``original_kept``: the original is flagged
    as no one's copy and every flagged copy points to it; ``found``: the clusters with a copy
    flagged (the direction can only be right in these); ``copies_flagged``: the copies
    flagged as a duplicate (of any member); ``wrong``: one line per cluster that misses either.
    A cluster whose labelled original is itself labelled spun is spins of a source that is not
    in the set (issue 16): it is right when its members are in one cluster flagged ``all_spun``
    (no member kept as the original), whichever member the finder lists first.
    ``false_links``: pages of ``part`` pointed to a page they are not labelled a copy of (nor
    a fellow copy of its original), with the kind of link.
    """
    if "duplicate_of" not in pages or "near_duplicate_of" not in got:
        return {}
    pointer = {p: _page_of(t) for p, t in zip(got.page_id, got.near_duplicate_of, strict=True)}
    reason = dict(zip(got.page_id, got.get("dup_canonical_reason", pd.Series([""] * len(got))),
                      strict=True))
    cluster = dict(zip(got.page_id, got.get("dup_cluster", pd.Series([""] * len(got))),
                       strict=True))
    all_spun = {p: _truthy(v) for p, v in zip(
        got.page_id, got.get("dup_all_spun", pd.Series([""] * len(got))), strict=True)}
    kind = dict(zip(got.page_id, got.get("dup_kind", pd.Series([""] * len(got))), strict=True))
    spun = {p: _truthy(v) for p, v in zip(
        pages.page_id, pages.get("spun", pd.Series([0] * len(pages))), strict=True)}
    copies = pages[(pages.split == part) & (pages.duplicate_of != "")]
    kept = flagged = found = 0
    wrong = []
    for original, group in copies.groupby("duplicate_of", sort=True):
        members = [p for p in group.page_id if p in pointer]
        if original not in pointer or not members:
            continue
        if spun.get(original) and all(spun.get(p) for p in members):
            together = {cluster[p] for p in [original, *members]}
            marked = [p for p in members if cluster[p]]
            ok = len(together) == 1 and "" not in together and all_spun[original]
        else:
            marked = [p for p in members if pointer[p]]
            ok = (not pointer[original] and all(pointer[p] == original for p in marked)
                  and bool(marked))
        flagged += len(marked)
        found += bool(marked)
        kept += ok
        if not ok or len(marked) < len(members):
            points = ", ".join(f"{p}->{pointer[p] or '-'}" for p in [original, *members])
            wrong.append(f"{original}: {points} ({reason.get(original) or reason.get(members[0]) or ''})")
    total_copies = int(sum(p in pointer for p in copies.page_id))
    clusters = int(sum(original in pointer and any(p in pointer for p in g.page_id)
                       for original, g in copies.groupby("duplicate_of")))
    group_of = {p: o for o, g in pages[pages.duplicate_of != ""].groupby("duplicate_of")
                for p in [o, *g.page_id]}
    in_part = set(pages.page_id[pages.split == part])
    false_links = sorted(
        f"{p}->{t} ({kind.get(p) or 'near'})" for p, t in pointer.items()
        if t and p in in_part and t in in_part
        and (group_of.get(p) is None or group_of.get(p) != group_of.get(t)))
    return {"clusters": clusters, "found": found, "original_kept": f"{kept}/{clusters}",
            "copies_flagged": f"{flagged}/{total_copies}", "wrong": wrong,
            "false_links": false_links}


# --- sentence level ----------------------------------------------------------------------------

def best_overlap(start: int, end: int, items: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The item (with ``start_char``/``end_char``) that overlaps ``start:end`` most, or None."""
    best, overlap = None, 0
    for item in items:
        o = min(end, item["end_char"]) - max(start, item["start_char"])
        if o > overlap:
            best, overlap = item, o
    return best


def predict_sentences(texts: dict[str, str], sentences: pd.DataFrame, settings: Any = None) -> pd.DataFrame:
    """The alliance labels the pipeline gives each labelled sentence (by the largest overlap)."""
    from pipeline.config import load_settings
    from pipeline.nlp import build_nlp

    settings = settings or load_settings(None)
    nlp = build_nlp(settings)
    wanted = [p for p in dict.fromkeys(sentences.page_id) if p in texts]
    rows = []
    for pid, doc in zip(wanted, nlp.pipe(texts[p] for p in wanted), strict=True):
        doc._.meta = {"article_id": pid, "applicable": True}
        predicted = (doc._.alliance or {}).get("sentences", [])
        for s in sentences[sentences.page_id == pid].itertuples():
            best = best_overlap(int(s.start), int(s.end), predicted)
            labels = (best or {}).get("labels", {})
            evidence = (best or {}).get("evidence", {})
            rows.append({"sent_id": s.sent_id, **{f"pred_{c}": int(labels.get(c, 0)) for c in COMPONENTS},
                         "evidence": json.dumps(evidence, sort_keys=True)})
    return pd.DataFrame(rows)


def sentence_scores(pred: pd.DataFrame, sentences: pd.DataFrame) -> dict[str, Any]:
    """Precision, recall and F1 per component and micro-averaged."""
    df = sentences.merge(pred, on="sent_id", how="inner")
    out: dict[str, Any] = {"sentences": int(len(df))}
    tp_all = fp_all = fn_all = 0
    for c in COMPONENTS:
        gold, got = df[c].astype(int) == 1, df[f"pred_{c}"] == 1
        tp, fp, fn = int((gold & got).sum()), int((~gold & got).sum()), int((gold & ~got).sum())
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        out[c] = _prf(tp, fp, fn)
    out["micro"] = _prf(tp_all, fp_all, fn_all)
    return out


def prf_counts(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 (0 where undefined) with the counts they come from."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "support": tp + fn, "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    s = prf_counts(tp, fp, fn)
    return {"precision": round(s["precision"], 3), "recall": round(s["recall"], 3),
            "f1": round(s["f1"], 3), "support": s["support"]}


# --- the whole evaluation ----------------------------------------------------------------------

def collection(page_id: str) -> str:
    """The manifest part a page comes from: its id without the number (``devc017`` -> ``devc``)."""
    return re.sub(r"\d+$", "", str(page_id))


def evaluate(root: Path | None = None, parts: Iterable[str] = ("dev", "test"),
             settings: Any = None) -> dict[str, Any]:
    """Page and sentence figures per part, and the page figures of each collection pass inside
    it (a pass labelled after the rules were tuned shows how they generalise);
    ``{"missing": message}`` when the folder is absent."""
    pages = load_pages()
    folder = read_folder(pages, root)
    if not folder.texts:
        return {"missing": how_to_rebuild(root)}
    result: dict[str, Any] = {"stored": len(folder.texts), "missing_pages": folder.missing,
                              "changed_pages": folder.changed}
    got = analyse_pages(folder.texts, pages, settings)
    sentences = load_sentences()
    pred = predict_sentences(folder.texts, sentences, settings) if len(sentences) else pd.DataFrame()
    for part in parts:
        in_part = pages[pages.split == part]
        result[part] = {"pages": page_scores(got, in_part),
                        "duplicates": duplicate_scores(got, pages, part),
                        "spin_swaps": swap_scores(got, in_part)}
        tags = in_part["page_id"].map(collection)
        if tags.nunique() > 1:
            result[part]["by_collection"] = {
                tag: {**{k: v for k, v in page_scores(got, in_part[tags == tag]).items()
                         if k not in ("rule_fires_on_sound", "false_low_quality_by_rule")},
                      "spin_swaps": swap_scores(got, in_part[tags == tag])}
                for tag in sorted(tags.unique())}
        if len(pred):
            in_split = sentences[sentences.split == part]
            result[part]["sentences"] = sentence_scores(pred, in_split)
            # per labels file (sent, lb, deve ...): a file labelled after the model was trained is
            # out-of-sample for it, while the others of the dev split are training data
            if in_split["file"].nunique() > 1:
                result[part]["sentences"]["by_file"] = {
                    tag: sentence_scores(pred, in_split[in_split.file == tag])
                    for tag in sorted(in_split["file"].unique())}
    return result


if __name__ == "__main__":
    from workbench import script_parser

    script_parser("workbench.realweb.evaluate", __doc__).parse_args()
    print(json.dumps(evaluate(), indent=2, default=str))
