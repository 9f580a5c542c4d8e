"""Analysed articles kept on disk between the analysis and the reports (memory flat in corpus
size).

A run needs every article again after the analysis: for the corpus-level steps and for the
reports. Held in memory, a 1,000-word article and its analysis take about 20 KB, so a run's
memory would grow with the corpus. :class:`ArticleStore` writes each article to one anonymous
temporary file as it arrives and keeps only its offsets; :meth:`ArticleStore.get` reads the
fields back, and the sentences and spin spans come back as :class:`SpooledList` objects, which know
their length and load their rows only when iterated (the reports go through one article's rows
at a time). :class:`DetailSpool` is the underlying file of JSON blobs.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from pipeline.article import Article, Sentence, SpinSpan

T = TypeVar("T")


class SpooledList(Sequence[T], Generic[T]):
    """A read-only list whose items live in a :class:`DetailSpool` (loaded on each access)."""

    __slots__ = ("_spool", "_offset", "_size", "_count", "_make")

    def __init__(self, spool: DetailSpool, offset: int, size: int, count: int,
                 make: Callable[..., T]) -> None:
        self._spool, self._offset, self._size, self._count = spool, offset, size, count
        self._make = make

    def __len__(self) -> int:
        return self._count

    def _load(self) -> list[T]:
        return [self._make(**d) for d in self._spool.read(self._offset, self._size)]

    def __iter__(self) -> Iterator[T]:
        return iter(self._load())

    def __getitem__(self, index: Any) -> Any:
        return self._load()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SpooledList | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking container, like list

    def __repr__(self) -> str:
        return f"SpooledList({self._count} items)"


class DetailSpool:
    """An anonymous temporary file of JSON lines (removed when closed or collected)."""

    def __init__(self) -> None:
        # Lives as long as the spool (closed by close() or the context manager).
        self._fh = tempfile.TemporaryFile(prefix="aa-detail-")  # noqa: SIM115
        self._end = 0

    def put(self, items: list[Any], make: Callable[..., T]) -> SpooledList[T] | list[T]:
        """Store ``items`` (dataclass instances or plain dicts); empty lists stay lists."""
        if not items:
            return []
        if isinstance(items, SpooledList) and items._spool is self:
            return items  # already here
        rows = [dict(i.__dict__) if hasattr(i, "__dataclass_fields__") else i for i in items]
        offset, size = self.write(rows)
        return SpooledList(self, offset, size, len(rows), make)

    def write(self, value: Any) -> tuple[int, int]:
        """Append ``value`` as JSON; its (offset, size) for :meth:`read`."""
        # ASCII escapes: scraped text may hold lone surrogates, which UTF-8 cannot encode.
        blob = json.dumps(value).encode("ascii")
        self._fh.seek(self._end)
        self._fh.write(blob)
        offset, self._end = self._end, self._end + len(blob)
        return offset, len(blob)

    def read(self, offset: int, size: int) -> Any:
        self._fh.seek(offset)
        return json.loads(self._fh.read(size))

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> DetailSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ArticleStore:
    """Articles by id on disk: :meth:`put` one as it is done, :meth:`get` it back, iterate them
    in id order. Only the offsets stay in memory (about 200 bytes an article)."""

    def __init__(self) -> None:
        self._spool = DetailSpool()
        self._at: dict[str, tuple[int, int, SpooledList | list, SpooledList | list]] = {}
        self._sorted: list[str] | None = None

    def put(self, article: Article) -> None:
        """Store ``article``, replacing an earlier version with its id (sentences and spin
        spans already in this store are not written again)."""
        fields = dict(article.__dict__)
        sentences = self._spool.put(fields.pop("sentences"), Sentence)
        spans = self._spool.put(fields.pop("spin_spans"), SpinSpan)
        if fields["restored_text"] == fields["text"]:  # every clean article's: not twice
            fields["restored_text"] = None
        offset, size = self._spool.write(fields)
        if article.article_id not in self._at:
            self._sorted = None
        self._at[article.article_id] = (offset, size, sentences, spans)

    def get(self, article_id: str) -> Article:
        """The stored article (its sentences and spin spans load when iterated)."""
        offset, size, sentences, spans = self._at[article_id]
        fields = self._spool.read(offset, size)
        if fields["restored_text"] is None:
            fields["restored_text"] = fields["text"]
        return Article(**fields, sentences=sentences, spin_spans=spans)

    def ids(self) -> list[str]:
        """The stored ids, sorted."""
        if self._sorted is None:
            self._sorted = sorted(self._at)
        return self._sorted

    def __len__(self) -> int:
        return len(self._at)

    def __iter__(self) -> Iterator[Article]:
        """The articles in id order, read one at a time."""
        for article_id in self.ids():
            yield self.get(article_id)

    def close(self) -> None:
        """Close (and so remove) the file; use ``contextlib.closing`` for a with-block."""
        self._spool.close()
