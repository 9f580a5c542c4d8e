"""A per-Doc table of token attributes, computed once and shared by our components.

Iterating a Doc creates one Python ``Token`` per token, and ``doc.text`` joins every token
again on each call: with three components over ~1,000-token articles that was most of the time
spent outside the metrics themselves. :func:`doc_table` reads the attributes once with
``doc.to_array`` into plain lists (and the sentence boundaries the sentencizer set), caches the
result in ``doc.user_data`` and every component reads it instead of walking Tokens.

The table is built on first use, after the base pipes (sentencizer, lemmatizer) ran; our
components only read token attributes, so it stays valid for the rest of the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, SENT_START
from spacy.tokens import Doc

TEXT_KEY = "alliance_audit.text"
TABLE_KEY = "alliance_audit.doctable"
_ATTRS = [LOWER, IDX, LENGTH, IS_SPACE, IS_PUNCT, SENT_START]


def set_doc_text(doc: Doc, text: str) -> None:
    """Record the text ``doc`` was made from (``nlp.make_doc(text).text == text``)."""
    doc.user_data[TEXT_KEY] = text


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined at most once per Doc."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None or len(text) != _doc_chars(doc):
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text


def _doc_chars(doc: Doc) -> int:
    if not len(doc):
        return 0
    last = doc[-1]
    return last.idx + len(last.text_with_ws)


@dataclass
class DocTable:
    """Token attributes of one Doc as plain Python lists (index = token index)."""

    text: str
    lower: list[int]  # LOWER string hashes
    idx: list[int]  # character offset of each token
    length: list[int]  # characters of each token
    is_space: list[bool]
    sent_starts: list[int]  # token indices where the sentencizer started a sentence
    n_words: int  # tokens that are neither whitespace nor punctuation
    _lower_str: list[str] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.idx)

    def token_text(self, i: int) -> str:
        """``doc[i].text`` without creating a Token."""
        a = self.idx[i]
        return self.text[a : a + self.length[i]]


def doc_table(doc: Doc) -> DocTable:
    """The cached :class:`DocTable` of ``doc`` (built on first use)."""
    table = doc.user_data.get(TABLE_KEY)
    if table is not None and len(table) == len(doc):
        return table
    text = doc_text(doc)
    arr = doc.to_array(_ATTRS)
    if len(doc):
        cols = arr.T
        lower, idx, length = cols[0].tolist(), cols[1].tolist(), cols[2].tolist()
        is_space = cols[3].astype(bool).tolist()
        # SENT_START is 1 at a sentence start, -1 inside, 0 when no pipe set boundaries.
        sent_starts = np.flatnonzero(cols[5] == 1).tolist()
        n_words = int(np.count_nonzero((cols[3] == 0) & (cols[4] == 0)))
    else:
        lower, idx, length, is_space, sent_starts, n_words = [], [], [], [], [], 0
    table = DocTable(text, lower, idx, length, is_space, sent_starts, n_words)
    doc.user_data[TABLE_KEY] = table
    return table
