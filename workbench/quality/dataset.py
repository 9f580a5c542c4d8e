"""Evaluation set for the quality flags: clean counsel-chat texts and content-farm degradations.

Clean: single therapist answers (Gopher's 50-word minimum makes a page) and article-sized texts
(the answers to one question, or answers on one topic under their question headings).
Degraded, the way content farms degrade text: sentence salad from several articles, repeated
paragraphs, keyword stuffing, boilerplate-dominated pages, stubs, spam insertions; and the way a
bad scrape damages it (``KINDS_SCRAPE``).
Split by questionID into two halves (dev for tuning, test for reporting); nothing is written out.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.quality.metrics import words
from pipeline.text import split_sentences

KINDS_CLEAN = ("single", "question", "topic")
KINDS_DEGRADED = ("salad", "repeated", "stuffing", "boilerplate", "stub", "spam", "glued",
                  "headings", "planted_url", "encoding", "split")
# Scrape damage (issue 15), made here so the scrape rules are checked on text that is not the
# real-web dev pages they were read from: headings run into the text, addresses planted inside
# sentences, apostrophes lost to a wrong character set, words split by stray spaces.
KINDS_SCRAPE = ("headings", "planted_url", "encoding", "split")

# "word.Next" -> "word. Next" (the answers are often glued).
_GLUE = re.compile(r"(?<=[a-z0-9)][.!?])(?=[A-Z][a-z])")
_SPACES = re.compile(r"[ \t\u00a0]+")
# The apostrophe of a contraction or possessive ("don't", "person’s").
_CONTRACTION = re.compile(r"(?<=[A-Za-z])['’](?=(?:s|t|ve|re|ll|d|m)\b)")


@dataclass
class Example:
    """One evaluation text with its label (``low`` = should be flagged)."""

    example_id: str
    kind: str
    low: bool
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    topic: str = ""

# A lower-case word run into a capitalised one with no space (a flattened list item).
_LIST_GLUE = re.compile(r"\b([a-z]{3,})([A-Z][a-z]{2,})\b")


def repair(text: str) -> str:
    """Unglue sentences and list items, and collapse runs of spaces.

    Some counsel-chat answers are themselves scrape-damaged: list items flattened into one line
    ("problem solvingRealize", "controlTalk"). The glued-words rule rightly flags them, so as
    clean examples they would count as false positives; they get their line breaks back."""
    from pipeline.quality.metrics import is_glued

    text = _GLUE.sub(" ", str(text or ""))
    text = _LIST_GLUE.sub(lambda m: f"{m[1]}\n{m[2]}" if is_glued(m[0]) else m[0], text)
    return "\n".join(_SPACES.sub(" ", ln).strip() for ln in text.splitlines()).strip()


def load_answers(shared: Path) -> list[dict[str, Any]]:
    """The counsel-chat train answers, repaired, as dicts (questionID, title, topic, text)."""
    import pandas as pd

    df = pd.read_csv(Path(shared) / "data" / "counsel_chat_train.csv")
    rows = []
    for r in df.itertuples(index=False):
        text = repair(r.answerText)
        if text:
            rows.append({"qid": int(r.questionID), "title": repair(r.questionTitle),
                         "topic": str(r.topic), "text": text})
    return rows


def split_questions(rows: list[dict[str, Any]], seed: int = 0) -> tuple[set[int], set[int]]:
    """(dev, test) halves of the questionIDs, seeded."""
    qids = sorted({r["qid"] for r in rows})
    random.Random(seed).shuffle(qids)
    half = len(qids) // 2
    return set(qids[:half]), set(qids[half:])


def _n_words(text: str) -> int:
    return len(text.split())


def _meta(text: str, boilerplate_share: float = 0.0) -> dict[str, Any]:
    raw = int(len(text) / (1.0 - boilerplate_share)) if boilerplate_share < 1 else len(text)
    return {"raw_chars": raw, "boilerplate_chars": raw - len(text)}


def _material() -> dict[str, Any]:
    path = resources.files("workbench") / "resources" / "quality" / "degrade.json"
    return json.loads(path.read_text(encoding="utf-8"))


class _Builder:
    def __init__(self, rows: list[dict[str, Any]], seed: int, prefix: str) -> None:
        self.rows = rows
        self.rng = random.Random(seed)
        self.mat = _material()
        self.prefix = prefix
        self.out: list[Example] = []
        self.by_q: dict[int, list[dict[str, Any]]] = {}
        self.by_topic: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            self.by_q.setdefault(r["qid"], []).append(r)
            self.by_topic.setdefault(r["topic"], []).append(r)

    def add(self, kind: str, low: bool, text: str, meta: dict | None = None, topic: str = "") -> None:
        eid = f"{self.prefix}-{kind}-{len(self.out):04d}"
        self.out.append(Example(eid, kind, low, text, meta or _meta(text), topic))

    # ------------------------------------------------------------------ clean
    def article(self, min_words: int = 300, max_words: int = 1200) -> tuple[str, str]:
        """An article-sized clean text: one question's answers, else a topic's Q&A."""
        rng = self.rng
        if rng.random() < 0.5:
            q = rng.choice([q for q, rs in self.by_q.items() if len(rs) >= 2])
            parts, topic = [], self.by_q[q][0]["topic"]
            for r in self.by_q[q]:
                if parts and _n_words("\n\n".join(parts)) + _n_words(r["text"]) > max_words:
                    break
                parts.append(r["text"])
            text = "\n\n".join(parts)
            if _n_words(text) >= min_words // 2:
                return text, topic
        for _ in range(20):  # a topic with too little text: try another
            topic = rng.choice(sorted(self.by_topic))
            pool = list(self.by_topic[topic])
            rng.shuffle(pool)
            parts, seen = [], set()
            for r in pool:
                if r["qid"] in seen:
                    continue
                if parts and _n_words("\n\n".join(parts)) + _n_words(r["text"]) > max_words:
                    break
                seen.add(r["qid"])
                parts.append(f"{r['title']}\n\n{r['text']}")
                if _n_words("\n\n".join(parts)) >= min_words and rng.random() < 0.5:
                    break
            if _n_words("\n\n".join(parts)) >= min_words // 2:
                break
        return "\n\n".join(parts), topic

    def clean(self, n_single: int, n_articles: int) -> None:
        # A page needs Gopher's 50 words (counted as the quality rule counts them).
        singles = [r for r in self.rows if words(r["text"]) >= 50]
        for r in self.rng.sample(singles, min(n_single, len(singles))):
            self.add("single", False, r["text"], topic=r["topic"])
        for _ in range(n_articles):
            text, topic = self.article()
            self.add("question" if "\n\n" in text and not text.split("\n\n")[0].endswith("?")
                     else "topic", False, text, topic=topic)

    # ------------------------------------------------------------------ degraded
    def salad(self) -> None:
        rng = self.rng
        k = rng.randint(3, 6)
        same_topic = rng.random() < 0.5
        if same_topic:
            topic = rng.choice([t for t, rs in self.by_topic.items() if len({r["qid"] for r in rs}) >= k])
            pool = self.by_topic[topic]
        else:
            pool = self.rows
        picks = rng.sample(pool, k)
        sents = [s for r in picks for s in split_sentences(r["text"]) if len(s.split()) >= 4]
        rng.shuffle(sents)
        sents = sents[: rng.randint(12, 40)]
        n_par = rng.randint(1, 4)
        cut = sorted(rng.sample(range(1, len(sents)), min(n_par - 1, len(sents) - 1))) if len(sents) > 1 else []
        paras, prev = [], 0
        for c in [*cut, len(sents)]:
            paras.append(" ".join(sents[prev:c]))
            prev = c
        self.add("salad", True, "\n\n".join(p for p in paras if p))

    def repeated(self) -> None:
        rng = self.rng
        text, _ = self.article()
        paras = text.split("\n\n")
        if len(paras) < 2:
            sents = split_sentences(text)
            half = max(1, len(sents) // 2)
            paras = [" ".join(sents[:half]), " ".join(sents[half:])]
        share = rng.uniform(0.4, 1.0)
        rep = rng.sample(paras, max(1, round(share * len(paras))))
        out = paras + rep
        if rng.random() < 0.5:
            rng.shuffle(out)
        self.add("repeated", True, "\n\n".join(p for p in out if p))

    def stuffing(self) -> None:
        rng, mat = self.rng, self.mat
        text, _ = self.article()
        kw = rng.choice(mat["keywords"])
        rate = rng.uniform(0.35, 0.8)
        paras = []
        for para in text.split("\n\n"):
            sents = []
            for s in split_sentences(para):
                if rng.random() < rate:
                    tpl = rng.choice(mat["stuffing_templates"])
                    s = tpl.format(s=s, kw=kw, s_lower=s[:1].lower() + s[1:])
                sents.append(s)
            paras.append(" ".join(sents))
        if rng.random() < 0.5:
            kws = [kw] + rng.sample(mat["keywords"], 3)
            paras.append(mat["tag_line"].format(kws=", ".join(kws)))
        self.add("stuffing", True, "\n\n".join(paras))

    def boilerplate(self) -> None:
        rng, mat = self.rng, self.mat
        r = rng.choice([r for r in self.rows if _n_words(r["text"]) >= 50])
        text = r["text"]
        if rng.random() < 0.5:
            left = rng.sample(mat["nav_lines"], rng.randint(2, 6))
            cut = rng.randint(0, len(left))
            text = "\n".join(left[:cut] + [text] + left[cut:])
        self.add("boilerplate", True, text, _meta(text, rng.uniform(0.65, 0.92)))

    def stub(self) -> None:
        rng, mat = self.rng, self.mat
        r = rng.choice(self.rows)
        sents = split_sentences(r["text"])
        text = " ".join(sents[: rng.randint(1, 3)])
        words = text.split()
        if len(words) > 45:
            text = " ".join(words[: rng.randint(15, 45)]) + "..."
        if rng.random() < 0.5:
            text = f"{r['title']}\n\n{text}"
        if rng.random() < 0.5:
            text += "\n" + "\n".join(rng.sample(mat["nav_lines"], 2))
        self.add("stub", True, text, _meta(text, rng.uniform(0.0, 0.6)))

    def spam(self) -> None:
        rng, mat = self.rng, self.mat
        text, _ = self.article()
        paras = text.split("\n\n")
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(paras))
            if rng.random() < 0.5:
                words = paras[i].split()
                j = rng.randint(1, max(1, len(words) - 1))
                words.insert(j, rng.choice(mat["spam_inline"]))
                paras[i] = " ".join(words)
            else:
                line = rng.choice(mat["spam_lines"]).format(
                    day=rng.choice(mat["days"]), dd=f"{rng.randint(1, 28):02d}",
                    mon=rng.choice(mat["months"]), yyyy=rng.randint(2015, 2024),
                    hh=f"{rng.randint(0, 23):02d}", mm=f"{rng.randint(0, 59):02d}",
                    headline=rng.choice(mat["headlines"]), site=(site := rng.choice(mat["sites"])),
                    site_lower=site.replace(" ", "").lower())
                paras.insert(i, line)
        self.add("spam", True, "\n\n".join(paras))


    def glued(self) -> None:
        """A bad scrape that drops spaces between words ("millionadults", "affects16.1")."""
        rng = self.rng
        text, _ = self.article()
        rate = rng.uniform(0.02, 0.08)
        out = []
        for para in text.split("\n\n"):
            words = para.split(" ")
            joined = [words[0]] if words else []
            for w in words[1:]:
                prev = joined[-1]
                if prev[-1:].isalnum() and w[:1].isalnum() and rng.random() < rate:
                    joined[-1] = prev + w
                else:
                    joined.append(w)
            out.append(" ".join(joined))
        self.add("glued", True, "\n\n".join(out))


    # ------------------------------------------------------------------ scrape damage
    def headings(self) -> None:
        """Section headings a scrape ran into the text without a line break: onto the end of the
        sentence before ("...each night.Next Steps") or into the start of the next paragraph
        ("Next Steps Talk to someone you trust...")."""
        rng, mat = self.rng, self.mat
        text, _ = self.article()
        paras = [p for p in text.split("\n\n") if p]
        sents = [s for p in paras for s in split_sentences(p)]
        if len(paras) < 3:  # one long answer: cut it into paragraphs of a few sentences
            size = max(2, len(sents) // 4)
            paras = [" ".join(sents[i:i + size]) for i in range(0, len(sents), size)]
        heads = rng.sample(mat["section_headings"], min(len(mat["section_headings"]), len(paras)))
        out = [paras[0]]
        for para, head in zip(paras[1:], heads, strict=False):
            if rng.random() < 0.5 and out[-1][-1:] in ".!?":
                out[-1] = f"{out[-1]}{head}"
                out.append(para)
            else:
                out.append(f"{head} {para}")
        self.add("headings", True, "\n\n".join(out))

    def planted_url(self) -> None:
        """One or two link addresses planted inside sentences, the words around them cut the way
        a spam tool pastes them ("...that h https://notes.example/x n the...")."""
        rng, mat = self.rng, self.mat
        text, _ = self.article()
        paras = text.split("\n\n")
        for _ in range(rng.randint(1, 2)):
            # Between two lower-case words of one sentence (a paragraph that has such a pair).
            spots = [(i, j) for i, p in enumerate(paras) for j, (a, b) in enumerate(
                zip(p.split(" "), p.split(" ")[1:], strict=False), start=1)
                if a.isalpha() and a.islower() and b.isalpha() and b.islower()]
            i, j = rng.choice(spots)
            words = paras[i].split(" ")
            code = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(8))
            url = f"https://{rng.choice(mat['planted_url_hosts'])}{code}"
            if rng.random() < 0.5:  # the cut letters of the words around the link
                url = f"{words[j][:1]} {url} {words[j][1:2] or 'n'}"
            words.insert(j, url)
            paras[i] = " ".join(words)
        self.add("planted_url", True, "\n\n".join(paras))

    def encoding(self) -> None:
        """Curly apostrophes lost to a wrong character set ("don?t", mojibake) on most contractions."""
        rng, mat = self.rng, self.mat
        for _ in range(20):  # a text needs contractions to lose their apostrophes
            text, _ = self.article()
            if len(_CONTRACTION.findall(text)) >= 3:
                break
        mark = rng.choice(mat["lost_apostrophe"])
        rate = rng.uniform(0.6, 1.0)
        text = _CONTRACTION.sub(lambda mt: mark if rng.random() < rate else mt.group(0), text)
        self.add("encoding", True, text)

    def split(self) -> None:
        """Words split by stray spaces ("anxie ty"), as a PDF or layout scrape leaves them: 6-20% of
        the words of seven letters or more, about 0.8-2.6 splits per 100 words (the split-word
        pages of the real-web dev part have 0.7-3.3)."""
        rng = self.rng
        text, _ = self.article()
        rate = rng.uniform(0.06, 0.2)

        def cut(mt: re.Match) -> str:
            w = mt.group(0)
            if rng.random() >= rate:
                return w
            k = rng.randint(2, len(w) - 2)
            return f"{w[:k]} {w[k:]}"

        self.add("split", True, re.sub(r"\b[a-z]{7,}\b", cut, text))


def build(rows: list[dict[str, Any]], seed: int = 0, prefix: str = "q",
          n_single: int = 150, n_articles: int = 150, n_per_degradation: int = 50) -> list[Example]:
    """Clean and degraded examples from ``rows`` (one half of the questions), seeded."""
    b = _Builder(rows, seed, prefix)
    b.clean(n_single, n_articles)
    for kind in KINDS_DEGRADED:
        for _ in range(n_per_degradation):
            getattr(b, kind)()
    return b.out


def build_split(shared: Path, seed: int = 0, **sizes: int) -> tuple[list[Example], list[Example]]:
    """(dev, test) example lists from disjoint questionID halves."""
    rows = load_answers(shared)
    dev_q, test_q = split_questions(rows, seed)
    dev = build([r for r in rows if r["qid"] in dev_q], seed, "dev", **sizes)
    test = build([r for r in rows if r["qid"] in test_q], seed + 1, "test", **sizes)
    return dev, test
