"""Per-article alliance analysis: sentences, rule hits, gate, model scores, elements, citations.

``AllianceExtractor.analyse(doc)`` returns the plain dict the component stores as
``doc._.alliance`` (shape in DEVELOPING.md). It is also usable on plain text through
:func:`analyse_text`, which the training and evaluation code use so that they score exactly what
the component produces.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import LOWER
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.alliance import model as model_io
from pipeline.alliance.citations import REFERENCE_KINDS, citation_spans
from pipeline.alliance.rules import LABELS, RuleLayer, evidence_text, gate
from pipeline.alliance.segment import sentence_token_spans
from pipeline.config import AllianceSettings
from pipeline.doctable import doc_table, doc_text
from pipeline.paths import DATA_ROOT

COMBINE_MODES = ("auto", "model", "rules", "union")
# The labels a sentence opened only by `other_relation_tasks_gate` may get.
TASKS_ONLY = ("tasks",)
# Texts whose citation spans are kept: more than a pipe batch (records for a whole batch are
# built before any is assembled); the texts are held, so an id is never reused meanwhile.
_CITES_KEPT = 256
# Entries of the word-hash -> lower form / lemma maps before they are emptied.
WORD_MAP_MAX = 200_000


def _restore_range(text: str, spans: list[dict[str, Any]], start: int, end: int) -> str:
    out, pos = [], start
    for s in sorted(spans, key=lambda s: s["start_char"]):
        a, b = s["start_char"], s["end_char"]
        if a < pos or b > end or not s.get("suggestion"):
            continue
        out.append(text[pos:a])
        out.append(s["suggestion"])
        pos = b
    out.append(text[pos:end])
    return "".join(out)


try:
    from pipeline.spin.restore import restore_range as _spin_restore_range
except ImportError:  # the spin package is optional for this component
    _spin_restore_range = _restore_range


def restore_wording(text: str, spans: list[dict[str, Any]], start: int, end: int) -> str:
    """``text[start:end]`` with the suggestions of the spin spans inside it applied."""
    return _spin_restore_range(text, spans, start, end)


def resolve_model_path(name: str) -> Path | None:
    """The model file: as given (absolute or from the working directory), else from the
    folder that holds ``models/`` (``pipeline.paths.DATA_ROOT``); None when unset or missing
    (the component then uses the rules alone)."""
    if not name:
        return None
    p = Path(name)
    for cand in (p, DATA_ROOT / p):
        if cand.is_file():
            return cand
    return None


class AllianceExtractor:
    """Holds the compiled rules and (optionally) the classifier bundle."""

    def __init__(self, settings: AllianceSettings | dict[str, Any] | None, vocab: Vocab | None = None,
                 bundle: dict[str, Any] | None = None, tokenizer: Any = None) -> None:
        self.settings = s = AllianceSettings.of(settings)
        self.tokenizer = tokenizer
        self._low: dict[int, str] = {}  # LOWER hash -> lower form
        self._lem: dict[int, str] = {}  # LOWER hash -> its lookup lemma
        # Citation spans per text object (records and assembly of a batch of docs ask in turn).
        self._cites: dict[int, tuple[str, list[tuple[int, int, str, str]]]] = {}
        self.rules = RuleLayer(self.settings, vocab)
        self.window = s.gate_window
        self.strict = s.gate_requires_no_other_relation
        self.split_nl = s.split_on_newlines
        self.need_cue = s.candidates_need_cue
        self.relation_tasks = s.other_relation_tasks_gate
        self.elements_need_gate = s.elements_need_gate
        self.combine: str = s.combine
        if self.combine not in COMBINE_MODES:
            raise ValueError(f"alliance.combine must be one of {COMBINE_MODES}")
        if bundle is None:
            path = resolve_model_path(s.model)
            bundle = model_io.load(path) if path is not None else None
        self.bundle = bundle
        self.fast = model_io.FastScorer(bundle) if bundle is not None else None
        if self.combine == "auto":  # the decision mode stored with the model
            self.combine = bundle.get("combine", "union") if bundle is not None else "rules"
        self.thresholds = {lab: float(getattr(s, f"threshold_{lab}")) for lab in LABELS}
        if bundle is not None and not s.override_thresholds:
            self.thresholds.update(bundle.get("thresholds", {}))
        if bundle is not None and list(bundle["rule_names"]) != self.rules.rule_names:
            # The rules changed since training: the rule features no longer line up.
            raise ValueError(
                "alliance model was trained with different rules "
                f"({len(bundle['rule_names'])} vs {len(self.rules.rule_names)} now): run "
                "`make train`, or set [alliance] model = \"\" to use the rules alone"
            )

    # -- the steps -------------------------------------------------------------------------
    def sentence_records(self, doc: Doc, spin: dict[str, Any] | None,
                         char_spans: list[tuple[int, int]] | None = None,
                         text: str | None = None) -> list[dict[str, Any]]:
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
        table = doc_table(doc)
        low_of, lem_of = self._low, self._lem
        if len(low_of) > WORD_MAP_MAX:   # bounded: a corpus keeps bringing new word types
            low_of.clear()
            lem_of.clear()
        strings = doc.vocab.strings
        for h in set(table.lower).difference(low_of):
            low = low_of[h] = strings[h]
            lem_of[h] = self.rules.lem(low)
        # One C-level dict lookup per token (the vocabulary repeats; the maps fill once).
        lowers: list[str] = list(map(low_of.__getitem__, table.lower))
        lem: list[str] = list(map(lem_of.__getitem__, table.lower))
        idx, length = table.idx, table.length
        text = table.text if text is None else text
        spin_spans = sorted((spin or {}).get("spans") or [], key=lambda s: s["start_char"])
        recs = []
        for i, (s, e) in enumerate(spans):
            a, b = (idx[s], idx[e - 1] + length[e - 1]) if e > s else (0, 0)
            rec = {
                "index": i, "start_char": a, "end_char": b, "text": text[a:b], "restored": None,
                "tok": (s, e), "lemmas": lem[s:e], "hits": [],
            }
            inside = [
                sp for sp in spin_spans
                if sp["start_char"] >= a and sp["end_char"] <= b and sp.get("suggestion")
            ]
            if inside:
                self._use_restored(rec, inside, text)
            recs.append(rec)
        flags = [self.rules.sentence_flags(r["lemmas"]) for r in recs]
        framed = [self.rules.names_frame(r["lemmas"]) for r in recs]
        frames = [
            self.rules.other_frame(lowers[r["tok"][0]:r["tok"][1]], lem[r["tok"][0]:r["tok"][1]])
            for r in recs
        ]
        gates = gate([f[0] for f in flags], [f[1] or o[0] for f, o in zip(flags, frames, strict=True)],
                     self.window, self.strict, framed, [o[1] for o in frames])
        # Tasks only: a sentence closed for naming a child, a couple or a parent, with a therapy
        # role beside it, is how the sessions go in child or couples therapy ("the child
        # draws the frightening day on a card"); its bond, goals and rupture words may be about the
        # other relationship, so only the tasks label is open there.
        loose = (gate([f[0] for f in flags], [False] * len(recs), self.window, False, None,
                      [o[0] or o[1] for o in frames])
                 if self.relation_tasks else [False] * len(recs))
        refs = [(s, e) for s, e, kind, _ in self._citations(text) if kind in REFERENCE_KINDS]
        if refs:  # bibliography lines are not prose about the alliance
            outside = [not any(s <= r["start_char"] and r["end_char"] <= e for s, e in refs)
                       for r in recs]
            gates = [g and o for g, o in zip(gates, outside, strict=True)]
            loose = [g and o for g, o in zip(loose, outside, strict=True)]
        # A generic-word rule needs the frame in its sentence or in a sentence right beside it
        # (a list item under "the alliance has three parts:"), not across another relationship.
        fw = self.settings.frame_window
        near = [
            fr or (not f[1] and any(framed[j] for j in range(max(0, i - fw), min(len(recs), i + fw + 1))))
            for i, (fr, f) in enumerate(zip(framed, flags, strict=True))
        ]
        for rec, g, lo, f, fr in zip(recs, gates, loose, flags, near, strict=True):
            rec["gate"] = g
            rec["open"] = LABELS if g else (TASKS_ONLY if lo else ())
            rec["role"] = f[0]
            rec["framed"] = fr
            if rec["open"]:
                s, e = rec["tok"]
                rec["hits"] = self.rules.sentence_hits(lowers[s:e], lem[s:e])
                if rec["restored"] is not None:
                    # Spun words are in the lexicons too: keep the hits of both wordings.
                    seen = {(h.label, h.rule) for h in rec["hits"]}
                    rec["hits"] += [
                        h for h in self.rules.sentence_hits(rec["r_lowers"], rec["r_lemmas"])
                        if (h.label, h.rule) not in seen
                    ]
                rec["hits"] = [h for h in self.rules.frame_filter(rec["hits"], fr)
                               if h.label in rec["open"]]
            if rec["restored"] is None:
                rec["restored"] = rec["text"]
                rec["scored_lemmas"] = rec["lemmas"]
            else:
                rec["scored_lemmas"] = rec["r_lemmas"]
            rec["candidate"] = bool(rec["open"]) and (bool(rec["hits"]) or f[2] or not self.need_cue)
        # The labels whose rules fired on a neighbour (``cue_tasks``): a step in a list of
        # session steps or homework items sits beside one that names the activity.
        cues = [sorted({f"{model_io.CUE_PREFIX}{h.label}" for h in r["hits"]}) for r in recs]
        for i, rec in enumerate(recs):
            rec["context"] = [
                w for j in (i - 1, i + 1) if 0 <= j < len(recs)
                for w in (*recs[j]["scored_lemmas"], *cues[j])
            ]
        return recs

    def _citations(self, text: str) -> list[tuple[int, int, str, str]]:
        """Citation spans of ``text``, computed once per article (records, then assembly)."""
        hit = self._cites.get(id(text))
        if hit is not None and hit[0] is text:
            return hit[1]
        if len(self._cites) >= _CITES_KEPT:
            self._cites.clear()
        spans = citation_spans(text, self.settings.citations)
        self._cites[id(text)] = (text, spans)
        return spans

    def _use_restored(self, rec: dict[str, Any], inside: list[dict[str, Any]], text: str) -> None:
        restored = restore_wording(text, inside, rec["start_char"], rec["end_char"])
        if restored == rec["text"]:
            return
        tokenizer = self.tokenizer or _default_tokenizer()
        rdoc = tokenizer(restored)
        strings = rdoc.vocab.strings
        lowers = [strings[h] for h in rdoc.to_array(LOWER).tolist()] if len(rdoc) else []
        rec["restored"] = restored
        rec["r_lowers"] = lowers
        rec["r_lemmas"] = [self.rules.lem(w) for w in lowers]
        # Keep the original lemmas too: spun words are in the lexicons on purpose.
        rec["lemmas"] = list(rec["lemmas"]) + rec["r_lemmas"]

    def score(self, recs: list[dict[str, Any]]) -> None:
        """Model probabilities for the candidate sentences (``rec['proba']``)."""
        if self.bundle is None or self.combine == "rules":
            return
        cands = [r for r in recs if r["candidate"]]
        if not cands:
            return
        texts = [r["restored"] for r in cands]
        use_ctx = bool(self.bundle.get("context"))
        window = int(self.bundle.get("frame_window", 0))
        head = int(self.bundle.get("head_words", 0))
        frame = self.rules.frame
        lemma_texts = [
            model_io.lemma_text(r["scored_lemmas"], r["context"] if use_ctx else (),
                                model_io.frame_near(r["scored_lemmas"], frame, window),
                                model_io.head_words(r["scored_lemmas"], head))
            for r in cands
        ]
        if self.fast is not None and self.fast.supported:
            idx = self.fast.rule_index
            rows = [model_io.rule_feature_indices(r["hits"], r["role"], idx) for r in cands]
            proba = self.fast.proba(texts, lemma_texts, rows)
        else:
            dense = [model_io.rule_features(r["hits"], r["role"], self.bundle["rule_names"])
                     for r in cands]
            proba = model_io.predict_proba(self.bundle, texts, dense, lemma_texts)
        if self.bundle.get("stage2"):
            proba = self._stage2(recs, cands, proba)
        for r, p in zip(cands, proba, strict=True):
            r["proba"] = dict(zip(LABELS, (float(x) for x in p), strict=True))

    def _stage2(self, recs: list[dict[str, Any]], cands: list[dict[str, Any]],
                proba: np.ndarray) -> np.ndarray:
        """The candidates' second-stage probabilities: each page's first-stage probabilities
        (labels the gate closes and unscored sentences count 0) beside the neighbours' and
        the page's (``recs`` may hold several pages in a row: each restarts at index 0)."""
        first = {id(r): p for r, p in zip(cands, proba, strict=True)}
        gate = {id(r): np.array([lab in r["open"] for lab in LABELS]) for r in cands}
        out: dict[int, np.ndarray] = {}
        start = 0
        for k in range(1, len(recs) + 1):
            if k < len(recs) and recs[k]["index"] == recs[k - 1]["index"] + 1:
                continue
            page = recs[start:k]
            start = k
            if not any(id(r) in first for r in page):
                continue
            p1 = np.array([first[id(r)] * gate[id(r)] if id(r) in first
                           else np.zeros(len(LABELS)) for r in page])
            p2 = model_io.stage2_proba(self.bundle["stage2"], p1, *model_io.page_context(p1))
            for r, q in zip(page, p2, strict=True):
                if id(r) in first:
                    out[id(r)] = q * gate[id(r)]
        return np.array([out[id(r)] for r in cands])

    def decide(self, rec: dict[str, Any]) -> tuple[dict[str, int], dict[str, str]]:
        labels = dict.fromkeys(LABELS, 0)
        evidence: dict[str, str] = {}
        open_labels = rec.get("open", LABELS if rec.get("gate") else ())
        if not open_labels:
            return labels, evidence
        rule_ev = evidence_text(rec["hits"], self.rules.feature_only)
        proba = rec.get("proba")
        for lab in open_labels:
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
                use_rule = by_rule and self.combine != "model"
                evidence[lab] = rule_ev[lab] if use_rule else f"model p={proba[lab]:.2f}"
        return labels, evidence

    def analyse(self, doc: Doc, spin: dict[str, Any] | None = None,
                applicable: bool = True) -> dict[str, Any]:
        """The ``doc._.alliance`` dict for one article."""
        text = doc_text(doc)
        if not applicable:
            recs = [
                {"index": i, "start_char": doc[a:b].start_char, "end_char": doc[a:b].end_char,
                 "text": doc[a:b].text}
                for i, (a, b) in enumerate(sentence_token_spans(doc, self.split_nl))
            ]
            return {
                "applicable": False,
                "counts": dict.fromkeys(LABELS, 0),
                "sentences": [_public(r, dict.fromkeys(LABELS, 0), {}) for r in recs],
                "elements": dict.fromkeys(self.rules.elements, 0),
                "citations": [],
                "citations_count": 0,
            }
        recs = self.sentence_records(doc, spin, text=text)
        self.score(recs)
        return self.assemble(text, recs)

    def assemble(self, text: str, recs: list[dict[str, Any]]) -> dict[str, Any]:
        counts = dict.fromkeys(LABELS, 0)
        elements = dict.fromkeys(self.rules.elements, 0)
        sentences = []
        cites = self._citations(text)
        for r in recs:
            labels, evidence = self.decide(r)
            for lab, v in labels.items():
                counts[lab] += v
            if r["gate"] or not self.elements_need_gate:
                for name in self.rules.element_hits(r["lemmas"]):
                    elements[name] += 1
            sentences.append(_public(r, labels, evidence))
        return {
            "applicable": True,
            "counts": counts,
            "sentences": sentences,
            "elements": elements,
            "citations": [c for *_, c in cites],
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


def analyse_text(text: str, settings: AllianceSettings | dict[str, Any] | None = None,
                 char_spans: list[tuple[int, int]] | None = None,
                 spin: dict[str, Any] | None = None,
                 extractor: AllianceExtractor | None = None) -> dict[str, Any]:
    """The component's result for plain text (``char_spans``: impose the sentences, e.g. a
    labelled set's; neighbours still give the therapy context)."""
    nlp = _blank_sentencizer()
    if extractor is None:
        extractor = AllianceExtractor(settings, nlp.vocab, tokenizer=nlp.tokenizer)
    doc = nlp(text)
    recs = extractor.sentence_records(doc, spin, char_spans, text=text)
    extractor.score(recs)
    return extractor.assemble(text, recs)


_BLANK: list[Any] = []


def _blank_sentencizer() -> Any:
    if not _BLANK:
        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        _BLANK.append(nlp)
    return _BLANK[0]
