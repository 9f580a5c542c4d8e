"""The recommended action for an article (keep / review / rewrite / remove) and why.

The rules and their thresholds are in ``resources/config/audit.toml``; the first rule that
matches decides. Every reason names the values that triggered it, so an editor can check it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pipeline.article import Article
from pipeline.config import AuditSettings
from pipeline.explain_text import flags_sentence
from pipeline.host_topic import offtopic_host, page_terms
from pipeline.url_notes import spam_title, text_fingerprints, url_fingerprints

COMPONENTS = ("bond", "goals", "tasks", "rupture_repair")


@lru_cache(maxsize=1)
def _verdict_function() -> Callable[[Article], dict] | None:
    try:
        from pipeline.quality.verdict import quality_verdict
    except ImportError:  # the quality stage's verdict module is optional until it lands
        return None
    return quality_verdict


def _flags_text(flags: list) -> str:
    parts = []
    for f in flags:
        if isinstance(f, dict):
            value = f.get("value")
            shown = f"{value:.3g}" if isinstance(value, int | float) else ""
            parts.append(f"{f.get('rule', '?')}={shown}{f.get('op', '')}{f.get('threshold', '')}"
                         if shown else str(f.get("rule", "?")))
        else:
            parts.append(str(f))
    return ";".join(parts)


def quality_of(article: Article) -> dict[str, Any]:
    """``{score, low_quality, flags, flags_text}`` from the quality verdict (or ``article.quality``)."""
    fn = _verdict_function()
    if fn is not None:
        return dict(fn(article))
    q = article.quality or {}
    flags = list(q.get("flags", []))
    return {"score": q.get("score"), "low_quality": bool(q.get("low_quality", False)),
            "flags": flags, "flags_text": _flags_text(flags)}


def components_present(article: Article) -> int:
    """How many of the four alliance components the article discusses at least once."""
    counts = (article.alliance or {}).get("counts", {})
    return sum(1 for c in COMPONENTS
               if isinstance(counts.get(c), int | float) and counts[c] > 0)


def rule_families(flags: list, families: dict[str, list[str]]) -> set[str]:
    """The distinct phenomena among ``flags``: rules of one family (prefixes) count once."""
    out = set()
    for f in flags:
        rule = str(f.get("rule", "")) if isinstance(f, dict) else str(f).split("=", 1)[0]
        fam = next((name for name, prefixes in families.items()
                    if any(rule.startswith(p) for p in prefixes)), rule)
        out.add(fam)
    return out


def fixable_only(flags: list, fixable: list[str]) -> bool:
    """True when every failed rule among ``flags`` is one of the ``fixable`` rules."""
    rules = {str(f.get("rule", "")) if isinstance(f, dict) else str(f).split("=", 1)[0]
             for f in flags}
    return bool(rules) and rules <= set(fixable)


def _fmt(x: Any) -> str:
    return f"{x:.2f}" if isinstance(x, int | float) else "n/a"


def _duplicate(dedup: dict, s: AuditSettings) -> tuple[str, str] | None:
    """(action, reason) of a duplicate that points to another article, else None."""
    other = dedup.get("near_duplicate_of", "")
    if not other or dedup.get("kind") not in s.duplicate_kinds:
        return None
    kind = {"exact": "exact duplicate", "near": "near-duplicate",
            "spun_copy": "spun copy"}.get(dedup["kind"], dedup["kind"])
    head = f"{kind} of {other} (similarity {_fmt(dedup.get('similarity'))})"
    if dedup.get("all_spun"):
        # Several spins of one lost source: the member listed first is a spin too.
        return s.duplicate_action, (f"{head}; every member of the cluster is a "
                                    "synonym-swapped copy, none is the original: "
                                    f"{other} is listed first ({s.spun_all_copies_action} it) "
                                    "and this one is removed")
    why = dedup.get("canonical_reason", "")
    return s.duplicate_action, f"{head}; keep {other}" + (f" ({why})" if why else "")


def _link_vehicle(article: Article, s: AuditSettings) -> str:
    """Why the page is a link vehicle rather than an article (a URL of a bookmarking, paste or
    wiki-spam script or a throwaway blog host; a title in a spam generator's template), or ""."""
    url = article.url or article.source
    found = url_fingerprints(url, s.link_vehicle_url_patterns) if s.link_vehicle_url_patterns else []
    if found:
        name, why = found[0]
        return f"{why} (url {name})"
    title = spam_title(url, article.title, article.text, s.spam_title_patterns)
    if title:
        name, seen = title
        shown = seen if len(seen) <= s.reason_max_title_chars else seen[:s.reason_max_title_chars] + "..."
        return (f"its title '{shown}' follows a spam-generator template (title {name}): a post "
                "generated to carry links")
    return ""


def _review_note(article: Article, flags: list, s: AuditSettings) -> str:
    """Why a sound page still goes to a person (a review rule's flag, a URL fingerprint, a host
    named for another trade or a text fingerprint), or ""."""
    for f in flags:
        if isinstance(f, dict) and f.get("rule") in s.review_flag_rules:
            return f"passes the quality check, but {flags_sentence([f], 1)}: a person checks it"
    where = _provenance(article, s)
    if where and where[0] == "url":
        return f"passes the quality check, but its URL looks like a copy (url {where[1]}: {where[2]})"
    if where:
        return (f"passes the quality check, but this therapy article is on a {where[1]} site "
                f"(host word '{where[2]}'): a copy or content-farm page, a person checks it")
    found = text_fingerprints(article.text, s.review_text_patterns)
    if found:
        name, why = found[0]
        return f"passes the quality check, but {why} (text {name})"
    return ""


def _provenance(article: Article, s: AuditSettings) -> tuple[str, str, str] | None:
    """("url", fingerprint, reason) of the first URL fingerprint, else ("host", topic, word) of a
    therapy article on a host named for another trade, else None: the address shows a copy or
    a farm page."""
    found = url_fingerprints(article.url or article.source, s.review_url_patterns)
    if found:
        return ("url", *found[0])
    off = _offtopic_host(article, s)
    return ("host", *off) if off else None


def _offtopic_host(article: Article, s: AuditSettings) -> tuple[str, str] | None:
    """(topic, host word) when a therapy article sits on a host named for another trade."""
    if not s.offtopic_host_topics:
        return None
    off = offtopic_host(article.url or article.source, s.offtopic_host_topics)
    if off and page_terms(article.text, s.offtopic_host_terms) >= s.offtopic_host_min_page_terms:
        return off
    return None


def decide(article: Article, settings: AuditSettings) -> tuple[str, str]:
    """(action, reason) for ``article`` under the rules of ``settings`` (see audit.toml)."""
    s = settings
    words = article.words or 0
    if words <= s.empty_max_words or not article.text.strip():
        return s.empty_action, "empty text after cleaning: check the extraction"
    if words <= s.tiny_max_words:
        return s.tiny_action, (f"only {words} words after cleaning: a stub with nothing to keep "
                               "(scrape it again if the page holds more)")
    if not article.applicable:
        why = article.not_applicable_reason or f"language '{article.language}' is not analysed"
        return s.not_applicable_action, f"not analysed: {why}"

    dedup = article.dedup or {}
    duplicate = _duplicate(dedup, s)
    if duplicate:
        return duplicate

    vehicle = _link_vehicle(article, s)
    if vehicle:
        return s.link_vehicle_action, f"a link vehicle, not an article: {vehicle}"

    q = quality_of(article)
    low = bool(q.get("low_quality"))
    flags = q.get("flags") or []
    families = rule_families(flags, s.rule_families)
    # Only damage a script repairs (glued or split words, a wrong encoding): nothing removed.
    fixable = bool(flags) and fixable_only(flags, s.low_quality_fixable_rules)
    # Severe (garbage, remove) takes damage of several kinds: one repeated block trips ten
    # repetition rules and drives the score to 0, yet a person can still fix it.
    low_score = isinstance(q.get("score"), int | float) and q["score"] < s.severe_quality_below
    severe = low and (
        len(families) >= s.severe_min_flags
        or bool(families & set(s.severe_rules))
        or (low_score and len(families) >= s.severe_low_score_min_families)
    )
    score = f"score {_fmt(q.get('score'))}"
    failing = flags_sentence(flags, s.reason_max_flags) if flags else ""
    quality_note = f"quality ({score}): {failing}" if failing else f"quality ({score})"

    spin = article.spin or {}
    if spin.get("spun"):
        spun_note = (f"reworded by a synonym spinner (spin score {_fmt(spin.get('score'))}, "
                     f"{len(article.spin_spans)} suspect spans)")
        if dedup.get("all_spun"):
            spun_note = ("spun: one of several synonym-swapped copies of a source that is not "
                         f"in the corpus ({len(article.spin_spans)} suspect spans); the others "
                         "are removed")
        if low:
            # Spun or not, repairable damage removes nothing: the page is rewritten.
            if fixable:
                return s.spun_action, (f"{spun_note} and low {quality_note}: restore the "
                                       "wording from the suggestions and repair the damage")
            return s.spun_low_quality_action, f"{spun_note} and low {quality_note}"
        # Spinner output at a farm address (a copy or farm URL fingerprint, or a host named for
        # another trade) is a vehicle for links, not a site's own article to restore.
        where = _provenance(article, s)
        if where and where[0] == "url":
            return s.spun_offtopic_host_action, (f"{spun_note}, and its URL looks like a farm or "
                                                 f"copy page (url {where[1]}): spinner output "
                                                 "placed for its links")
        if where:
            return s.spun_offtopic_host_action, (f"{spun_note} on a {where[1]} site (host word "
                                                 f"'{where[2]}'): spinner output placed for its "
                                                 "links")
        if dedup.get("all_spun"):
            return s.spun_all_copies_action, (f"{spun_note}: a spin of the same lost text as "
                                              "its copies, no original to restore it from")
        return s.spun_action, f"{spun_note}: restore the wording from the suggestions"

    if low:
        if fixable:
            return s.low_quality_fixable_action, (f"low {quality_note}; the damage can be "
                                                  "repaired without removing the content")
        if severe:
            return s.low_quality_severe_action, f"severely low {quality_note}"
        # Badly damaged (a score under the severe line, one kind of damage) on a copy or farm
        # address: nothing of value to check the source of.
        where = _provenance(article, s) if low_score else None
        if where:
            at = (f"its URL looks like a copy (url {where[1]})" if where[0] == "url" else
                  f"on a {where[1]} site (host word '{where[2]}')")
            return s.low_quality_provenance_action, (f"low {quality_note}, and {at}: a damaged "
                                                     "copy or content-farm page")
        return s.low_quality_action, f"low {quality_note}"

    note = _review_note(article, flags, s)
    if note:
        return s.review_action, note

    present = components_present(article)
    # Sound but short or off the alliance topic: kept, with the note in the reason.
    off_topic = "; off the alliance topic (a note, nothing to fix)" if present == 0 else ""
    if words < s.thin_max_words and present < s.thin_min_components:
        return s.thin_action, (f"short page: {words} words and {present} of 4 alliance "
                               f"components discussed{off_topic}")
    # A kept article's minor failed rules are in quality_flags, not in its reason.
    return s.default_action, (f"passes the quality check ({score}), not spun, {present} of 4 "
                              f"alliance components discussed{off_topic}")
