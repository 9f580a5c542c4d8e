"""Bytes to text (pipeline/ingest/encoding.py)."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.encoding import decode_bytes, garbled_text, sniff_binary

SAMPLE = "Café au lait – “quotes” and naïve résumé."
LATIN = "Le café du matin est très bon, même à Noël. Déjà vu à l'hôtel près de la forêt."


@pytest.mark.parametrize(
    ("data", "expected_text", "expected_encoding"),
    [
        (b"", "", "utf-8"),
        (SAMPLE.encode("utf-8"), SAMPLE, "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), SAMPLE, "utf-8"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), SAMPLE, "utf-16-le"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), SAMPLE, "utf-16-be"),
        (("Plain text without a BOM. " * 4).encode("utf-16-le"), "Plain text without a BOM. " * 4,
         "utf-16-le"),
        (b"line\r\nnext", "line\r\nnext", "utf-8"),
        (b"\xff\xfe\x00", "\ufffd", "utf-16-le"),  # hostile: odd-length UTF-16 tail
    ],
)
def test_decode_bytes(data: bytes, expected_text: str, expected_encoding: str) -> None:
    assert decode_bytes(data) == (expected_text, expected_encoding)


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_decode_legacy_8bit(codec: str) -> None:
    text, encoding = decode_bytes((LATIN * 3).encode(codec))
    assert text == LATIN * 3
    assert encoding != "utf-8"


def test_cp1252_quotes() -> None:
    text, _ = decode_bytes(("It’s “fine” – really. " * 10).encode("cp1252"))
    assert "It’s “fine” – really." in text


def test_html_meta_charset_is_honoured() -> None:
    html = "<html><head><meta charset='windows-1252'></head><body><p>Noël – fête</p></body></html>"
    text, encoding = decode_bytes(html.encode("cp1252"), html=True)
    assert "Noël – fête" in text and encoding == "cp1252"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", ""),
        (b"plain text", ""),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"%PDF-1.7\n", "PDF document"),
        (bytes(range(256)) * 4, "binary data"),
        ("text".encode("utf-16"), ""),  # BOM: text, not binary
        (b"mostly text with one \x00 NUL byte in the middle of a longer sentence", ""),
    ],
)
def test_sniff_binary(data: bytes, expected: str) -> None:
    assert sniff_binary(data) == expected


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.booleans())
def test_decode_any_bytes(data: bytes, html: bool) -> None:
    text, encoding = decode_bytes(data, html=html)
    assert isinstance(text, str) and encoding
    assert isinstance(sniff_binary(data), str)


def test_random_bytes_without_nul_are_garbled() -> None:
    import random

    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(4000))  # no NUL byte at all
    text, _ = decode_bytes(data)
    assert garbled_text(text) == "binary data"


def test_text_with_invisible_characters_between_letters_is_not_garbled() -> None:
    # A zero-width space after every letter (a scraper's or an obfuscator's): cleaning removes
    # them, so the text is judged without them; the same share of visible symbols is garbled.
    prose = "The client and the therapist agree on the goals of their work. " * 4
    assert garbled_text("\u200b".join(prose)) == ""
    assert garbled_text("\u2593".join(prose)) == "binary data"


@pytest.mark.parametrize(("text", "codec"), [
    (LATIN * 3, "cp1252"),
    ("Привет, как дела? Это простой текст на русском языке. " * 4, "cp1251"),
    ("这是一个简单的中文文本，用于测试编码。" * 8, "gb18030"),
    ("| col | other |\n|---|---|\n| one | two words here |\n" * 6, "utf-8"),
    ("", "utf-8"),
])
def test_real_text_in_other_encodings_is_not_garbled(text: str, codec: str) -> None:
    decoded, _ = decode_bytes(text.encode(codec))
    assert garbled_text(decoded) == ""
