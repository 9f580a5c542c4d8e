"""The sentence spans of the full-page labels files (``sentences_lb.csv``, ``sentences_deve.csv``).

A full-page labels file labels every sentence of a stored page as the pipeline sees it: the
spaCy ``doc.sents`` of :func:`pipeline.nlp.build_nlp` with the default settings, each span
trimmed of surrounding white space, spans without a letter dropped (a list number "1.)" or a
year "2011)." left alone by the splitter). This reproduces the offsets of all 84 pages of
``sentences_lb.csv``; a new full-page file must use it so that ``evaluate`` maps each labelled
sentence onto exactly one pipeline sentence. (``workbench.alliance.dataset.split_sentences`` is
the splitter of the seed and counsel-chat references, a different one.)

    python -m workbench.realweb.segment deve001 deve002   # offsets and sha1 per sentence, no text
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from workbench import PROJECT_ROOT, script_parser
from workbench.realweb.alliance_data import realweb_pages


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def page_sentences(texts: Iterable[str]) -> list[list[tuple[int, int]]]:
    """Per text, the ``(start, end)`` spans of its sentences as the labels files index them."""
    from pipeline.config import load_settings
    from pipeline.nlp import build_nlp

    texts = list(texts)
    nlp = build_nlp(load_settings(None))
    out = []
    for text, doc in zip(texts, nlp.pipe(texts), strict=True):
        spans = (_trim(text, s.start_char, s.end_char) for s in doc.sents)
        out.append([(a, b) for a, b in spans if b > a and any(ch.isalpha() for ch in text[a:b])])
    return out


def main(argv: list[str] | None = None) -> None:
    ap = script_parser("workbench.realweb.segment", __doc__)
    ap.add_argument("page_ids", nargs="+", help="stored pages (.realweb/pages/<page_id>.txt)")
    args = ap.parse_args(argv)
    folder = realweb_pages(Path(PROJECT_ROOT))
    texts = [(folder / f"{p}.txt").read_bytes().decode("utf-8") for p in args.page_ids]
    print("page_id,n,start,end,sha1")
    for page_id, text, spans in zip(args.page_ids, texts, page_sentences(texts), strict=True):
        for n, (a, b) in enumerate(spans, 1):
            print(f"{page_id},{n},{a},{b},{hashlib.sha1(text[a:b].encode('utf-8')).hexdigest()}")


if __name__ == "__main__":
    main()
