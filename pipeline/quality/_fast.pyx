# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled per-word kernels of the quality metrics (optional; ``pipeline.quality.compiled``).

Each function here has a pure-Python reference the results must equal exactly
(``tests/quality/test_fast.py``): ``ZipfFinder.zipf`` is ``pipeline.compact.ZipfTable.zipf``
(the same open-addressing table, CRC-32 hashed, read in place), ``syllable_count`` is the
hyphenation-point count of ``pyphen.Pyphen.positions`` that ``metrics.syllables`` takes,
``split_pair_words`` is ``metrics._SPLIT_PAIR.findall``.
"""

from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISSPACE, PyUnicode_Substring
from libc.stdint cimport int64_t
from libc.stdlib cimport calloc, free
from libc.string cimport memcmp

cdef unsigned int _CRC_TABLE[256]


cdef void _crc_init():
    cdef unsigned int c
    cdef int n, k
    for n in range(256):
        c = <unsigned int>n
        for k in range(8):
            if c & 1:
                c = 0xEDB88320 ^ (c >> 1)
            else:
                c = c >> 1
        _CRC_TABLE[n] = c


_crc_init()


cdef inline unsigned int _crc32(const unsigned char* data, Py_ssize_t n):
    """zlib's CRC-32 (the hash ``ZipfTable.find`` takes)."""
    cdef unsigned int c = 0xFFFFFFFF
    cdef Py_ssize_t i
    for i in range(n):
        c = _CRC_TABLE[(c ^ data[i]) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def crc32(bytes data):
    """CRC-32 of ``data``, as ``zlib.crc32`` (for the tests)."""
    return _crc32(<const unsigned char*>data, len(data))


cdef class ZipfFinder:
    """The look-up of ``pipeline.compact.ZipfTable`` over the same memory-mapped arrays."""

    cdef const unsigned int[:] slots
    cdef const unsigned int[:] offsets
    cdef const double[:] values
    cdef const unsigned char[:] blob
    cdef unsigned int mask
    cdef double unknown
    cdef object fallback

    def __init__(self, slots, offsets, values, blob, mask, unknown, fallback):
        self.slots = slots
        self.offsets = offsets
        self.values = values
        self.blob = blob
        self.mask = <unsigned int>mask
        self.unknown = unknown
        self.fallback = fallback

    cpdef object zipf(self, str word):
        """The word's Zipf frequency: from the table for a plain word (lower-case ASCII
        letters), else ``fallback(word)`` (wordfreq itself)."""
        cdef Py_ssize_t n = len(word), i
        cdef Py_UCS4 ch
        cdef unsigned char buf[64]
        cdef unsigned char* data
        cdef bytes encoded = None
        if n == 0:
            return self.fallback(word)
        for i in range(n):
            ch = word[i]
            if ch < 97 or ch > 122:  # not a-z: not a plain word
                return self.fallback(word)
        if n <= 64:
            for i in range(n):
                buf[i] = <unsigned char>word[i]
            data = buf
        else:
            encoded = word.encode("ascii")
            data = <unsigned char*>encoded
        return self._probe(data, n)

    cdef double _probe(self, const unsigned char* data, Py_ssize_t n):
        """The table's value of the plain word ``data[:n]`` (``unknown`` when not listed)."""
        cdef unsigned int h = _crc32(data, n) & self.mask
        cdef unsigned int j, start, end
        while True:
            j = self.slots[h]
            if j == 0:
                return self.unknown
            start = self.offsets[j - 1]
            end = self.offsets[j]
            if <Py_ssize_t>(end - start) == n and (
                    n == 0 or memcmp(&self.blob[start], data, n) == 0):
                return self.values[j - 1]
            h = (h + 1) & self.mask

    cpdef double joined_zipf(self, str a, str b):
        """``zipf((a + b).lower())`` without building the joined string when both parts are
        ASCII letters (the letter pairs of ``split_pairs``); any other pair takes ``zipf``."""
        cdef Py_ssize_t na = len(a), nb = len(b), i
        cdef Py_UCS4 ch
        cdef unsigned int code
        cdef unsigned char buf[64]
        if na + nb == 0 or na + nb > 64:
            return self.zipf((a + b).lower())
        for i in range(na + nb):
            if i < na:
                ch = a[i]
            else:
                ch = b[i - na]
            code = <unsigned int>ch
            if 65 <= code <= 90:
                code += 32
            if code < 97 or code > 122:
                return self.zipf((a + b).lower())
            buf[i] = <unsigned char>code
        return self._probe(buf, na + nb)


def syllable_count(str w, dict patterns, Py_ssize_t maxlen, Py_ssize_t left, Py_ssize_t right):
    """``len(pyphen.Pyphen(left=left, right=right).positions(w))`` for a pyphen dictionary
    whose pattern values are all ints (``patterns``: ``HyphDict.patterns``, ``maxlen``:
    ``HyphDict.maxlen``); None when a pattern value is not an int (nonstandard hyphenation):
    the caller asks pyphen."""
    cdef str word = w.lower()
    cdef str pointed = "." + word + "."
    cdef Py_ssize_t size = len(pointed), i, j, k, stop, start, n_vals, last
    cdef Py_ssize_t n_refs = size + 1
    cdef int* refs = <int*>calloc(n_refs, sizeof(int))
    cdef object pattern, v
    cdef tuple values
    cdef int value
    cdef Py_ssize_t count = 0, hi
    if refs == NULL:
        raise MemoryError()
    try:
        for i in range(size - 1):
            stop = min(i + maxlen, size) + 1
            for j in range(i + 1, stop):
                pattern = patterns.get(PyUnicode_Substring(pointed, i, j))
                if not pattern:
                    continue
                start = i + <Py_ssize_t>pattern[0]
                values = <tuple>pattern[1]
                n_vals = len(values)
                for k in range(n_vals):
                    if start + k >= n_refs:
                        break
                    v = values[k]
                    if type(v) is not int:
                        return None
                    value = v
                    if value > refs[start + k]:
                        refs[start + k] = value
        # Positions i - 1 of the odd references, kept when left <= i - 1 <= len(w) - right.
        hi = len(w) - right
        for i in range(n_refs):
            if refs[i] % 2 and left <= i - 1 <= hi:
                count += 1
        return count
    finally:
        free(refs)


def split_pairs(list pairs, ZipfFinder finder, pair_listed, Py_ssize_t min_joined_len,
                double max_part_zipf, double min_joined_zipf, Py_ssize_t unlisted_min_len,
                double unlisted_min_zipf):
    """The count of ``metrics._py_split_pairs`` (the letter pairs of ``metrics._SPLIT_PAIR``
    are ASCII, so every look-up reads the Zipf table: the value ``metrics._zipf`` caches)."""
    cdef Py_ssize_t n = 0, n_joined
    cdef str a, b
    cdef double za, zb, zj
    # A pair counts only when the joined word reaches one of the two Zipf floors: that one
    # look-up (no string built) settles most pairs before the parts are looked up.
    cdef double floor = min(min_joined_zipf, unlisted_min_zipf)
    for a, b in pairs:
        n_joined = len((a + b).lower()) if not (a.isascii() and b.isascii()) else len(a) + len(b)
        if n_joined < min_joined_len:
            continue
        zj = finder.joined_zipf(a, b)
        if zj < floor:
            continue
        za = finder.zipf(a.lower())
        zb = finder.zipf(b)
        if min(za, zb) < max_part_zipf:
            if zj >= min_joined_zipf:
                n += 1
        elif (n_joined >= unlisted_min_len and min(len(a), len(b)) >= 2
              and zj >= unlisted_min_zipf):
            if not pair_listed(a.lower(), b):
                n += 1
    return n


cdef inline bint _az(Py_UCS4 c):
    return 97 <= c <= 122


def pair_token_ids(str text, dict vocab, int64_t[:] out):
    """The tokens of ``pairs._PAIR_TOKEN.findall(text)`` as ``vocab.get(token, -1)``, written to
    ``out`` (at least ``len(text)`` long); returns how many. A token is a word ``[a-z]+('[a-z]+)*``
    or, for any other character but white space, and for a line break, the empty string."""
    cdef Py_ssize_t n = len(text), i = 0, start, k = 0
    cdef Py_UCS4 c
    cdef int64_t other = vocab.get("", -1)
    while i < n:
        c = text[i]
        if _az(c):
            start = i
            i += 1
            while True:
                while i < n and _az(text[i]):
                    i += 1
                if i + 1 < n and text[i] == u"'" and _az(text[i + 1]):
                    i += 2
                    continue
                break
            out[k] = vocab.get(PyUnicode_Substring(text, start, i), -1)
            k += 1
        else:
            if c == u"\n" or not Py_UNICODE_ISSPACE(c):
                out[k] = other
                k += 1
            i += 1
    return k


cdef inline bint _ascii_letter(Py_UCS4 c):
    return 97 <= c <= 122 or 65 <= c <= 90


cdef inline bint _word_or_joiner(Py_UCS4 c):
    """``[\\w'’-]``: a word character of ``re`` (alphanumeric or "_"), an apostrophe or a hyphen."""
    return c == u"_" or c == u"'" or c == u"\u2019" or c == u"-" or Py_UNICODE_ISALNUM(c)


def split_pair_words(str text):
    """``metrics._SPLIT_PAIR.findall(text)``: every (run of ASCII letters, lower-case run) one
    space apart, the first starting no word (nothing of ``[\\w'’.-]`` before it), the second
    running to the end of its word (nothing of ``[\\w'’-]`` after it)."""
    cdef Py_ssize_t n = len(text), i, j, k
    cdef Py_UCS4 prev
    out = []
    for i in range(n):
        if not _ascii_letter(text[i]):
            continue
        if i > 0:
            prev = text[i - 1]
            if prev == u"." or _word_or_joiner(prev):
                continue
        j = i + 1
        while j < n and _ascii_letter(text[j]):
            j += 1
        if j >= n or text[j] != u" ":
            continue
        k = j + 1
        while k < n and _az(text[k]):
            k += 1
        if k == j + 1 or (k < n and _word_or_joiner(text[k])):
            continue
        out.append((PyUnicode_Substring(text, i, j), PyUnicode_Substring(text, j + 1, k)))
    return out
