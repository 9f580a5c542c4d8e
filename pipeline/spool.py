"""Per-article detail rows (sentences, spin spans) kept on disk instead of in memory.

A run holds every Article until the corpus-level steps and the reports are done; the detail
rows are most of an analysed Article's size (a row per sentence with its text, labels and
evidence). :class:`DetailSpool` writes them to one temporary file as the articles arrive and
puts a :class:`SpooledList` in their place: it knows its length and reads its rows back (one
JSON line) only when iterated, so the reports load one article's rows at a time.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

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
        rows = [dict(i.__dict__) if hasattr(i, "__dataclass_fields__") else i for i in items]
        # ASCII escapes: scraped text may hold lone surrogates, which UTF-8 cannot encode.
        blob = json.dumps(rows).encode("ascii")
        self._fh.seek(self._end)
        self._fh.write(blob)
        offset, self._end = self._end, self._end + len(blob)
        return SpooledList(self, offset, len(blob), len(rows), make)

    def read(self, offset: int, size: int) -> list[dict[str, Any]]:
        self._fh.seek(offset)
        return json.loads(self._fh.read(size))

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> DetailSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
