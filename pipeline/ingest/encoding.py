"""Bytes to text: BOMs, UTF-8, UTF-16 without BOM, declared HTML charsets, legacy 8-bit."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Magic numbers of binary formats that sometimes hide behind a text extension.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg media"),
    (b"\x00\x00\x01\x00", "icon image"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls that plain text does not use (tab, newlines, form feed and ESC are allowed).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32 and b != 27)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{2,40})""", re.I)
# charset-normalizer only looks at a sample: detection cost must not grow with file size.
_SAMPLE = 256 * 1024


def sniff_binary(data: bytes) -> str:
    """Why ``data`` is not text (e.g. ``"PNG image"``), or ``""`` if it may be text."""
    head = data[:16]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return ""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    sample = data[:8192]
    if sample and _utf16_guess(sample):
        return ""
    # Text may carry a few stray NULs; many control bytes mean binary.
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and controls / len(sample) > 0.10:
        return "binary data"
    return ""


# Characters ordinary prose uses besides letters, digits and spaces, in any script.
_PROSE_PUNCT = frozenset(".,;:!?'\"()-\u2010\u2011\u2012\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
                         "\u3001\u3002\uff0c\uff0e\uff01\uff1f\uff1a\uff1b\u300c\u300d\u00bf\u00a1\u00ab\u00bb")


def garbled_text(text: str, sample: int = 8192, max_odd_share: float = 0.25) -> str:
    """``"binary data"`` when decoded ``text`` is mostly not prose, else ``""``.

    Random bytes without NULs pass :func:`sniff_binary` and decode (cp1252 maps nearly every
    byte to a character), but then a large share of the characters are controls, unassigned,
    replacement characters or symbols; prose in any script is letters, digits, spaces and a
    little punctuation. Short texts (< 64 characters) are not judged. Invisible characters
    that cleaning removes or turns into spaces (zero-width spaces between every letter) are
    judged as cleaning leaves them.
    """
    from pipeline.clean import unicode_tables

    head = text[:sample].translate(unicode_tables()[0])
    if len(head) < 64:
        return ""
    odd = 0
    for ch in head:
        # str.isspace() is true for some C0 controls (\x1c-\x1f): only real spaces count.
        if ch.isalnum() or ch in "\t\n\r \u00a0\u3000" or ch in _PROSE_PUNCT:
            continue
        odd += 1
    return "binary data" if odd / len(head) > max_odd_share else ""


def _utf16_guess(sample: bytes) -> str:
    """UTF-16 without BOM: mostly-ASCII text has NULs in every other byte."""
    if len(sample) < 4:
        return ""
    even = sample[0::2]
    odd = sample[1::2]
    zero_even = even.count(0) / len(even)
    zero_odd = odd.count(0) / len(odd)
    if zero_odd > 0.4 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.4 and zero_odd < 0.05:
        return "utf-16-be"
    return ""


# What Western European text (English, French, German, Spanish...) uses beyond ASCII.
_WESTERN = frozenset(
    [chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)]
    + list("‘’‚“”„–—…•€™«»°©®£¡¿§¶·\u00a0ªº")
)


def _plausible_cp1252(data: bytes) -> bool:
    """Bytes that read as Western text in cp1252 (charset-normalizer often says cp1257/cp1250).

    Accented letters must be a minority of letters: Cyrillic cp1251 also maps to Latin-1
    letters, but then nearly every letter is one.
    """
    text = data.decode("cp1252", errors="replace")
    letters = accented = 0
    for ch in text:
        if ch.isascii():
            letters += ch.isalpha()
            continue
        if ch not in _WESTERN:
            return False
        if ch.isalpha():
            letters += 1
            accented += 1
    return letters > 0 and accented / letters < 0.3


def _declared(data: bytes) -> str:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return ""
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def decode_bytes(data: bytes, html: bool = False) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; never raises.

    Order: BOM, strict UTF-8, UTF-16 without BOM, a declared ``<meta charset>`` (``html``),
    charset-normalizer on a sample, and cp1252 with replacement as the last resort.
    """
    if not data:
        return "", "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace").lstrip("\ufeff"), name.replace("-sig", "")
    # UTF-16 without BOM first: its NUL bytes are valid UTF-8.
    guess = _utf16_guess(data[:8192])
    if guess:
        return data.decode(guess, errors="replace"), guess
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if html:
        declared = _declared(data)
        if declared and declared not in ("utf-8", "utf-16", "utf-32"):
            return data.decode(declared, errors="replace"), declared
    if _plausible_cp1252(data[:_SAMPLE]):
        return data.decode("cp1252", errors="replace"), "cp1252"
    name = ""
    try:
        best = from_bytes(data[:_SAMPLE]).best()
        name = best.encoding if best is not None else ""
    except Exception:  # noqa: BLE001 - detection is best effort; fall back below
        name = ""
    if name:
        try:
            return data.decode(name, errors="replace"), name
        except LookupError:
            pass
    # cp1252 decodes every byte but five; "replace" covers those.
    return data.decode("cp1252", errors="replace"), "cp1252"
