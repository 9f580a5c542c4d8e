"""The language identifier read from the unpacked model in the user cache is py3langid's."""

from __future__ import annotations

import lzma

import numpy as np
import pytest

from pipeline.ingest import language

py3langid = pytest.importorskip("py3langid")
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier  # noqa: E402

TEXTS = ("The therapist and the client agree on the goals of their work together.",
         "Le thérapeute et le client se mettent d'accord sur les objectifs.",
         "Der Therapeut und der Klient einigen sich auf gemeinsame Ziele.",
         "12 34 ??")


def test_unpacked_model_gives_py3langids_identifier(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    path = language._unpacked_model(MODEL_DIR / MODEL_FILE)
    assert path is not None and path.parent == tmp_path / "cache" and path.is_file()
    assert language._unpacked_model(MODEL_DIR / MODEL_FILE) == path      # made once
    ours = language._from_unpacked(path)
    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    for name in ("nb_ptc", "nb_pc", "nb_classes", "tk_nextmove", "tk_row", "tk_output"):
        a, b = getattr(ours, name), getattr(theirs, name)
        if name == "tk_nextmove":   # read in place: a memoryview of the same item type
            assert isinstance(a, memoryview) and a.format == b.typecode and a.tobytes() == b.tobytes()
            continue
        assert type(a) is type(b) and np.array_equal(np.asarray(a), np.asarray(b)), name
    for text in TEXTS:
        assert ours.classify(text) == theirs.classify(text)


def test_compressed_npz_is_read_by_numpy(tmp_path, monkeypatch):
    """The arrays are read in place only from an uncompressed npz; a compressed one goes
    through numpy (the same identifier either way)."""
    monkeypatch.setenv("ALLIANCE_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    path = language._unpacked_model(MODEL_DIR / MODEL_FILE)
    in_place = language._npz_in_place(path)
    with np.load(path, allow_pickle=False) as npz:
        loaded = {k: npz[k] for k in npz.files}
    assert in_place is not None and sorted(in_place) == sorted(loaded)
    for k, v in loaded.items():
        assert in_place[k].dtype == v.dtype and np.array_equal(in_place[k], v)
        assert not in_place[k].flags.writeable
    packed = tmp_path / "packed.npz"
    np.savez_compressed(packed, **loaded)
    assert language._npz_in_place(packed) is None
    assert language._npz_in_place(tmp_path / "absent.npz") is None
    ours, theirs = language._from_unpacked(packed), language._from_unpacked(path)
    for text in TEXTS:
        assert ours.classify(text) == theirs.classify(text)


def test_other_model_bytes_get_their_own_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    model = tmp_path / "model.npz.xz"
    model.write_bytes((MODEL_DIR / MODEL_FILE).read_bytes())
    first = language._unpacked_model(model)
    model.write_bytes(model.read_bytes() + lzma.compress(b""))   # other bytes, same content
    second = language._unpacked_model(model)
    assert first is not None and second is not None and first != second
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(
        [first.name, second.name])                      # no temporary file left


def test_unwritable_cache_falls_back_to_py3langid(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ALLIANCE_AUDIT_CACHE_DIR", str(blocker / "cache"))
    assert language._unpacked_model(MODEL_DIR / MODEL_FILE) is None
    language._identifier.cache_clear()
    try:
        assert language.identify(TEXTS[0] * 3, 10)[0] == "en"
    finally:
        language._identifier.cache_clear()
