"""Per-article alliance analysis: sentences, rule hits, gate, model scores, elements, citations.

``AllianceExtractor.analyse(doc)`` returns the plain dict the component stores as
``doc._.alliance`` (shape in DEVELOPING.md). It is also usable on plain text through
:func:`analyse_text`, which the training and evaluation code use so that they score exactly what
the component produces.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.alliance import model as model_io
from pipeline.alliance.citations import find_citations
from pipeline.alliance.rules import LABELS, Hit, RuleLayer, evidence_text, gate
from pipeline.alliance.segment import sentence_token_spans

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COMBINE_MODES = ("model", "rules", "union", "model_or_strong_rule")


def restore_wording(text: str, spans: list[dict[str, Any]]) -> str:
    """``text`` with each spin span (offsets relative to ``text``) replaced by its suggestion."""
    try:
        from pipeline.spin.restore import restore
    except ImportError:  # the spin package's helper is optional for this component
        restore = _restore
    return restore(text, spans)


def _restore(text: str, spans: list[dict[str, Any]]) -> str:
    out, pos = [], 0
    for s in sorted(spans, key=lambda s: s["start_char"]):
        if s["start_char"] < pos or not s.get("suggestion"):
            continue
        out.append(text[pos : s["start_char"]])
        out.append(s["suggestion"])
        pos = s["end_char"]
    out.append(text[pos:])
    return "".join(out)


def resolve_model_path(name: str) -> Path | None:
    if not name:
        return None
    p = Path(name)
    for cand in (p, PROJECT_ROOT / p):
        if cand.is_file():
            return cand
    return None


class AllianceExtractor:
    """Holds the compiled rules and (optionally) the classifier bundle."""

    def __init__(self, settings: dict[str, Any], vocab: Vocab | None = None,
                 bundle: dict[str, Any] | None = None, tokenizer: Any = None) -> None:
        self.settings = dict(settings)
        self.tokenizer = tokenizer
        self.rules = RuleLayer(self.settings, vocab)
        self.window = int(self.settings.get("gate_window", 1))
        self.strict = bool(self.settings.get("gate_requires_no_other_relation", True))
        self.split_nl = bool(self.settings.get("split_on_newlines", True))
        self.elements_need_gate = bool(self.settings.get("elements_need_gate", True))
        self.combine = self.settings.get("combine", "union")
        if self.combine not in COMBINE_MODES:
            raise ValueError(f"alliance.combine must be one of {COMBINE_MODES}")
        if bundle is None:
            path = resolve_model_path(self.settings.get("model", ""))
            bundle = model_io.load(path) if path is not None else None
        self.bundle = bundle
        self.thresholds = {lab: float(self.settings.get(f"threshold_{lab}", 0.5)) for lab in LABELS}
        if bundle is not None and not self.settings.get("override_thresholds", False):
            self.thresholds.update(bundle.get("thresholds", {}))
        if bundle is not None and list(bundle["rule_names"]) != self.rules.rule_names:
            # The rules changed since training: the rule features no longer line up.
            raise ValueError("alliance model was trained with different rules; run make train")

    # -- the steps -------------------------------------------------------------------------
    def sentence_records(self, doc: Doc, spin: dict[str, Any] | None,
                         char_spans: list[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
        """Per sentence: offsets, text, restored text, lemmas, rule hits, gate flags.

        ``char_spans`` imposes the sentences (e.g. a labelled set's own splitter) instead of
        the sentencizer's.
        """
        if char_spans is None:
            spans = sentence_token_spans(doc, self.split_nl)
        else:
            spans = []
            for a, b in char_spans:
                sp = doc.char_span(a, b, alignment_mode="expand")
                spans.append((sp.start, sp.end) if sp is not None else (0, 0))
        if not spans:
            return []
        words = [t.text for t in doc]
        spaces = [bool(t.whitespace_) for t in doc]
        ldoc = self.rules.lemma_doc(words, spaces)
        lem = [t.lemma_ for t in ldoc]
        all_hits = self.rules.hits(ldoc)
        starts = [s for s, _ in spans]
        per_sent: list[list[Hit]] = [[] for _ in spans]
        for h in all_hits:
            i = bisect.bisect_right(starts, h.start) - 1
            if i >= 0 and h.end <= spans[i][1]:
                per_sent[i].append(h)
        spin_spans = sorted((spin or {}).get("spans") or [], key=lambda s: s["start_char"])
        recs = []
        for i, (s, e) in enumerate(spans):
            span = doc[s:e]
            rec = {
                "index": i, "start_char": span.start_char, "end_char": span.end_char,
                "text": span.text, "restored": span.text, "lemmas": lem[s:e],
                "hits": per_sent[i],
            }
            inside = [
                sp for sp in spin_spans
                if sp["start_char"] >= span.start_char and sp["end_char"] <= span.end_char
                and sp.get("suggestion")
            ]
            if inside:
                self._use_restored(rec, inside, doc)
            recs.append(rec)
        flags = [self.rules.sentence_flags(r["lemmas"]) for r in recs]
        gates = gate([f[0] for f in flags], [f[1] for f in flags], self.window, self.strict)
        for rec, g, f in zip(recs, gates, flags, strict=True):
            rec["gate"] = g
            rec["role"] = f[0]
            rec["candidate"] = g and (bool(rec["hits"]) or f[2])
        return recs

    def _use_restored(self, rec: dict[str, Any], inside: list[dict[str, Any]], doc: Doc) -> None:
        base = rec["start_char"]
        local = [
            {**sp, "start_char": sp["start_char"] - base, "end_char": sp["end_char"] - base}
            for sp in inside
        ]
        restored = restore_wording(rec["text"], local)
        if restored == rec["text"]:
            return
        tokenizer = self.tokenizer or _default_tokenizer()
        tdoc = tokenizer(restored)
        ldoc = self.rules.lemma_doc([t.text for t in tdoc], [bool(t.whitespace_) for t in tdoc])
        rec["restored"] = restored
        # Keep the original lemmas too: spun words are in the lexicons on purpose.
        rec["lemmas"] = list(rec["lemmas"]) + [t.lemma_ for t in ldoc]
        rec["hits"] = self.rules.hits(ldoc)

    def score(self, recs: list[dict[str, Any]]) -> None:
        """Model probabilities for the candidate sentences (``rec['proba']``)."""
        if self.bundle is None or self.combine == "rules":
            return
        cands = [r for r in recs if r["candidate"]]
        if not cands:
            return
        rows = [model_io.rule_features(r["hits"], r["role"], self.bundle["rule_names"]) for r in cands]
        proba = model_io.predict_proba(self.bundle, [r["restored"] for r in cands], rows)
        for r, p in zip(cands, proba, strict=True):
            r["proba"] = dict(zip(LABELS, (float(x) for x in p), strict=True))

    def decide(self, rec: dict[str, Any]) -> tuple[dict[str, int], dict[str, str]]:
        labels = dict.fromkeys(LABELS, 0)
        evidence: dict[str, str] = {}
        if not rec.get("gate"):
            return labels, evidence
        rule_ev = evidence_text(rec["hits"])
        proba = rec.get("proba")
        for lab in LABELS:
            by_rule = lab in rule_ev
            by_model = proba is not None and proba[lab] >= self.thresholds[lab]
            if proba is None or self.combine == "rules":
                on = by_rule
            elif self.combine == "model":
                on = by_model
            else:  # union
                on = by_rule or by_model
            if on:
                labels[lab] = 1
                evidence[lab] = rule_ev[lab] if by_rule else f"model p={proba[lab]:.2f}"
        return labels, evidence

    def analyse(self, doc: Doc, spin: dict[str, Any] | None = None,
                applicable: bool = True) -> dict[str, Any]:
        """The ``doc._.alliance`` dict for one article."""
        recs = self.sentence_records(doc, spin)
        if not applicable:
            return {
                "applicable": False,
                "counts": dict.fromkeys(LABELS, 0),
                "sentences": [_public(r, dict.fromkeys(LABELS, 0), {}) for r in recs],
                "elements": dict.fromkeys(self.rules.elements, 0),
                "citations": [],
                "citations_count": 0,
            }
        self.score(recs)
        return self.assemble(doc.text, recs)

    def assemble(self, text: str, recs: list[dict[str, Any]]) -> dict[str, Any]:
        counts = dict.fromkeys(LABELS, 0)
        elements = dict.fromkeys(self.rules.elements, 0)
        sentences = []
        for r in recs:
            labels, evidence = self.decide(r)
            for lab, v in labels.items():
                counts[lab] += v
            if r["gate"] or not self.elements_need_gate:
                for name in self.rules.element_hits(r["lemmas"]):
                    elements[name] += 1
            sentences.append(_public(r, labels, evidence))
        cites = find_citations(text, self.settings.get("citations", "citations.json"))
        return {
            "applicable": True,
            "counts": counts,
            "sentences": sentences,
            "elements": elements,
            "citations": cites,
            "citations_count": len(cites),
        }


def _public(rec: dict[str, Any], labels: dict[str, int], evidence: dict[str, str]) -> dict[str, Any]:
    return {
        "index": rec["index"], "start_char": rec["start_char"], "end_char": rec["end_char"],
        "text": rec["text"], "labels": labels, "evidence": evidence,
    }


_TOKENIZER: list[Any] = []


def _default_tokenizer() -> Any:
    """English tokenizer for restored sentences when no pipeline tokenizer was given."""
    if not _TOKENIZER:
        from spacy.lang.en import English

        _TOKENIZER.append(English().tokenizer)
    return _TOKENIZER[0]
