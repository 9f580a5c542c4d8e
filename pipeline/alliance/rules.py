"""The transparent rule layer: spaCy Matcher rules on lower-cased lookup lemmas + the therapy gate.

Rules and word sets are data (``resources/alliance/patterns.json`` and ``lexicon.json``); this
module only compiles them. Matching runs once over a lemma copy of the whole article (a Doc whose
words are the lower-cased tokens and whose lemmas are their lookup lemmas), so the cost is one
Matcher pass per article; matches are then assigned to sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.alliance.lexicon import Lemmas, lemmas, load_json
from pipeline.config import AllianceSettings

LABELS: tuple[str, ...] = ("bond", "goals", "tasks", "rupture_repair")
EXCLUDE = "__exclude__"
# Sentence patterns (not labels): another relationship ("relationship conflicts outside therapy"),
# which closes the gate unless the sentence names a therapist/client; therapy as a service
# ("from the comfort of your home"), which closes it whatever the sentence names.
OTHER_FRAME = "__other_frame__"
SERVICE_FRAME = "__service_frame__"
_FRAMES = (OTHER_FRAME, SERVICE_FRAME)
CUE_SETS = ("feel_bond", "feel_comfort", "feel_rupture", "trust", "safety", "warmth", "honesty", "fit",
            "bond_noun", "goal_word", "task_word", "rupture_word", "trouble")
# Gap tokens of the shorthand: "~" is one wildcard token, "~N" up to N of them.
_GAP_PREFIX = "~"


@dataclass(frozen=True)
class Hit:
    """One rule match inside a sentence (token offsets relative to the article)."""

    label: str
    rule: str
    start: int
    end: int
    words: str


def word_forms(word: str, lem: Lemmas) -> set[str]:
    """The word and its lookup lemma: the table is not idempotent ("misunderstandings" ->
    "misunderstanding" -> "misunderstand"), so a listed lemma must match both ways."""
    return {word.lower(), lem(word)}


def _expand_token(tok: Any, sets: dict[str, set[str]], lem: Lemmas) -> dict[str, Any]:
    if isinstance(tok, str):
        if tok.startswith("@"):
            return {"LEMMA": {"IN": sorted(sets[tok[1:]])}}
        if tok.startswith(_GAP_PREFIX):
            return {"OP": f"{{0,{tok[1:]}}}"} if tok[1:] else {}
        return {"LEMMA": {"IN": sorted(word_forms(tok, lem))}}
    out: dict[str, Any] = {}
    for key, value in tok.items():
        if key in ("LEMMA", "LOWER"):
            values = value["IN"] if isinstance(value, dict) else [value]
            items: set[str] = set()
            for v in values:
                if v.startswith("@"):
                    items |= sets[v[1:]]
                elif key == "LEMMA":
                    items |= word_forms(v, lem)
                else:
                    items.add(v.lower())
            out[key] = {"IN": sorted(items)}
        else:
            out[key] = value
    return out


class RuleLayer:
    """Compiled alliance rules, the therapy-gate word sets and the cue words for the model.

    Each rule gets its own one-pattern Matcher plus the word sets its obligatory tokens need;
    a sentence only runs the Matchers whose required words it contains. (One Matcher with all
    rules evaluates every set predicate in Python at every token: ~15x slower.)
    """

    def __init__(self, settings: AllianceSettings | dict[str, Any] | None,
                 vocab: Vocab | None = None) -> None:
        settings = AllianceSettings.of(settings)
        self.lem = lemmas()
        lex = load_json(settings.lexicon)
        spec = load_json(settings.patterns)

        def forms(words: list[str]) -> set[str]:
            return set().union(*(word_forms(w, self.lem) for w in words))

        self.sets: dict[str, set[str]] = {
            k: forms(v) for k, v in lex.items() if isinstance(v, list)
        }
        self.elements = {k: forms(v) for k, v in lex.get("elements", {}).items()}
        self.element_context = {k: forms(v) for k, v in lex.get("element_context", {}).items()}
        self.role = self.sets["therapist"] | self.sets["therapy"] | self.sets["client"]
        # The relational frame: a person in the therapist or client role (or the relationship
        # itself). "therapy" alone may be a service ("access therapy from home"), not a frame.
        self.frame = self.sets["frame"]
        self.other = self.sets["other_relation"]
        # A named therapy activity (a worksheet filled in at home) is a task,
        # not therapy offered as a service: these words keep a service_frame match from closing
        # the gate.
        self.not_service = self.sets.get("not_service", frozenset())
        # Rules whose single generic word ("comfort", "approach", "conflict", "goal") labels only
        # with the frame in the sentence itself or a second cue of the same label.
        self.needs_frame: frozenset[str] = frozenset(spec.get("needs_frame", []))
        self.frame_only: frozenset[str] = frozenset(spec.get("frame_only", []))
        # Rules too generic to label on their own anywhere: their hits are classifier features
        # (and evidence beside a model decision), never a label by themselves.
        self.feature_only: frozenset[str] = frozenset(spec.get("feature_only", []))
        self.vocab = vocab or Vocab()
        self.rule_names: list[str] = []
        # (label, name, matcher, required word sets); the index maps an anchor word to rules.
        self._rules: list[tuple[str, str, Matcher, list[frozenset[str]]]] = []
        self._index: dict[str, list[int]] = {}
        self._single: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        self._frame_anchor: set[str] = set()  # words without which no frame pattern can match
        cue: set[str] = set()
        compiled = [
            (label, rule["name"], rule["pattern"])
            for label, rules in spec["rules"].items() for rule in rules
        ] + [(EXCLUDE, rule["name"], rule["pattern"]) for rule in spec.get("exclude", [])] + [
            (OTHER_FRAME, rule["name"], rule["pattern"]) for rule in spec.get("other_frame", [])
        ] + [
            (SERVICE_FRAME, rule["name"], rule["pattern"])
            for rule in spec.get("service_frame", [])
        ]
        for label, name, raw in compiled:
            pattern = [_expand_token(t, self.sets, self.lem) for t in raw]
            matcher = Matcher(self.vocab)
            matcher.add(f"{label}|{name}", [pattern])
            required = _required_sets(pattern)
            if not required:
                raise ValueError(f"alliance rule {label}|{name} has no obligatory word")
            rid = len(self._rules)
            self._rules.append((label, name, matcher, required))
            if len(pattern) == 1 and set(pattern[0]) <= {"LEMMA", "LOWER"}:
                # One obligatory token: a set lookup gives the same matches, without a Doc.
                self._single[rid] = (frozenset(pattern[0].get("LEMMA", {}).get("IN", ())),
                                     frozenset(pattern[0].get("LOWER", {}).get("IN", ())))
            if label in _FRAMES:
                # Checked on every sentence: anchor on a set without short function words
                # ("of", "in"), or nearly every sentence would run the pattern.
                anchor = min(required, key=lambda r: (min(map(len, r)) < 5, len(r)))
                self._frame_anchor |= anchor
            else:
                anchor = min(required, key=len)
            for word in anchor:
                self._index.setdefault(word, []).append(rid)
            if label != EXCLUDE and label not in _FRAMES:
                key = f"{label}|{name}"
                if key not in self.rule_names:
                    self.rule_names.append(key)
        # Cue words send a sentence without rule hits to the classifier: the label vocabularies,
        # not every word some pattern mentions (that made 90% of therapy prose candidates).
        for name in CUE_SETS:
            cue |= self.sets.get(name, set())
        self.cue = cue

    def lemma_doc(self, words: Sequence[str], spaces: Sequence[bool]) -> Doc:
        """A Doc of lower-cased words whose lemmas are their lookup lemmas."""
        lowers = [w.lower() for w in words]
        return Doc(
            self.vocab, words=lowers, spaces=list(spaces), lemmas=[self.lem(w) for w in lowers]
        )

    def candidate_rules(self, words: set[str]) -> list[int]:
        """Rules whose obligatory tokens can all be satisfied by ``words`` (lemmas + lowers)."""
        seen: set[int] = set()
        out: list[int] = []
        for w in words:
            for rid in self._index.get(w, ()):
                if rid not in seen:
                    seen.add(rid)
                    if all(not words.isdisjoint(req) for req in self._rules[rid][3]):
                        out.append(rid)
        return sorted(out)

    def sentence_hits(self, lowers: Sequence[str], lemma_list: Sequence[str],
                      spaces: Sequence[bool] | None = None, other_frame: bool = False) -> list[Hit]:
        """Rule matches in one sentence (token offsets relative to it), minus exclusions.

        With ``other_frame`` only the sentence-frame patterns are matched (labels OTHER_FRAME
        and SERVICE_FRAME).
        """
        rids = [
            rid for rid in self.candidate_rules(set(lowers) | set(lemma_list))
            if (self._rules[rid][0] in _FRAMES) == other_frame
        ]
        if not rids:
            return []
        excluded: set[int] = set()
        found: list[Hit] = []
        ldoc = None
        for rid in rids:
            label, name, matcher, _ = self._rules[rid]
            single = self._single.get(rid)
            if single is not None:
                lem_in, low_in = single
                spans = [
                    (i, i + 1) for i, (low, lem) in enumerate(zip(lowers, lemma_list, strict=True))
                    if (not lem_in or lem in lem_in) and (not low_in or low in low_in)
                ]
            else:
                if ldoc is None:
                    ldoc = Doc(self.vocab, words=list(lowers), lemmas=list(lemma_list),
                               spaces=list(spaces) if spaces is not None else None)
                spans = [(start, end) for _, start, end in matcher(ldoc)]
            for start, end in spans:
                if label == EXCLUDE:
                    excluded.update(range(start, end))
                else:
                    found.append(Hit(label, name, start, end, " ".join(lowers[start:end])))
        if excluded:
            found = [h for h in found if excluded.isdisjoint(range(h.start, h.end))]
        found.sort(key=lambda h: (LABELS.index(h.label) if h.label in LABELS else -1, h.start))
        return found

    def hits(self, ldoc: Doc) -> list[Hit]:
        """Rule matches in a lemma Doc (see :meth:`lemma_doc`)."""
        return self.sentence_hits([t.text for t in ldoc], [t.lemma_ for t in ldoc],
                                  [bool(t.whitespace_) for t in ldoc])

    def sentence_flags(self, lemma_list: Sequence[str]) -> tuple[bool, bool, bool]:
        """(names a therapy role, names another relationship, has a cue word) for one sentence."""
        s = set(lemma_list)
        return bool(s & self.role), bool(s & self.other), bool(s & self.cue)

    def names_frame(self, lemma_list: Sequence[str]) -> bool:
        """The sentence names a therapist, a client or the therapeutic relationship."""
        return not self.frame.isdisjoint(lemma_list)

    def other_frame(self, lowers: Sequence[str], lemma_list: Sequence[str]) -> tuple[bool, bool]:
        """(about another relationship, about therapy as a service) by the data patterns."""
        if self._frame_anchor.isdisjoint(lemma_list) and self._frame_anchor.isdisjoint(lowers):
            return False, False
        labels = {h.label for h in self.sentence_hits(lowers, lemma_list, other_frame=True)}
        service = SERVICE_FRAME in labels and self.not_service.isdisjoint(lemma_list)
        return OTHER_FRAME in labels, service

    def frame_filter(self, hits: list[Hit], framed: bool) -> list[Hit]:
        """Drop the hits of generic-word rules unless the sentence names the frame or the
        label has a second cue on other words; comfort rules need the frame itself."""
        if framed or not self.needs_frame:
            return hits
        hits = [h for h in hits if f"{h.label}|{h.rule}" not in self.frame_only]
        keep = set()
        for lab in {h.label for h in hits}:
            own = [h for h in hits if h.label == lab]
            if any(f"{lab}|{h.rule}" not in self.needs_frame for h in own):
                keep.add(lab)
            elif any(a.end <= b.start or b.end <= a.start for a in own for b in own):
                keep.add(lab)  # two cues on different words ("trust, safety and connection")
        return [h for h in hits if h.label in keep]

    def element_hits(self, lemma_list: Sequence[str]) -> list[str]:
        """The Norcross & Lambert elements a sentence mentions."""
        s = set(lemma_list)
        out = []
        for name, words in self.elements.items():
            if s & words and (name not in self.element_context or s & self.element_context[name]):
                out.append(name)
        return out


def _required_sets(pattern: list[dict[str, Any]]) -> list[frozenset[str]]:
    """Word sets of the pattern's obligatory tokens (no OP, or OP "1"/"+")."""
    out = []
    for tok in pattern:
        if tok.get("OP", "1") not in ("1", "+"):
            continue
        for key in ("LEMMA", "LOWER"):
            if key in tok:
                out.append(frozenset(tok[key]["IN"]))
    return out


def gate(role: Sequence[bool], other: Sequence[bool], window: int, strict: bool,
         frame: Sequence[bool] | None = None, veto: Sequence[bool] | None = None) -> list[bool]:
    """Therapy gate per sentence: it names a therapy role, or a neighbour within ``window`` does
    (when ``strict``, only if the sentence itself names no partner/parent/friend).

    With ``frame`` (names a therapist/client), a sentence naming another relationship passes
    only with the frame in it; ``veto`` (another relationship or therapy as a service, by
    pattern) closes the gate whatever the sentence names.
    """
    n = len(role)
    out = []
    for i in range(n):
        if veto is not None and veto[i]:
            out.append(False)
            continue
        if frame is not None and strict and other[i]:
            out.append(bool(frame[i]))
            continue
        if role[i]:
            out.append(True)
            continue
        if strict and other[i]:
            out.append(False)
            continue
        lo, hi = max(0, i - window), min(n, i + window + 1)
        out.append(any(role[j] for j in range(lo, hi)))
    return out


def evidence_text(hits: Sequence[Hit], skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """'rule NAME: matched words' per label (first hit of each label; names of the others);
    rules named ``label|rule`` in ``skip`` (feature-only rules) give no evidence."""
    out: dict[str, str] = {}
    for h in hits:
        if f"{h.label}|{h.rule}" in skip:
            continue
        if h.label not in out:
            out[h.label] = f"rule {h.rule}: {h.words}"
    return out
