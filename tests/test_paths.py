from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import paths


def test_models_dir_holds_the_shipped_models():
    assert (paths.MODELS_DIR / "spin_detector.skops").is_file()
    assert paths.MODELS_DIR.parent == paths.DATA_ROOT


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "DEFAULT"),
        ("models/x.skops", "DATA_ROOT/models/x.skops"),
        ("/abs/y.skops", "/abs/y.skops"),
        ("../../../etc/passwd\x00", "DATA_ROOT/../../../etc/passwd\x00"),
    ],
)
def test_resolve_path(value, expected):
    default = Path("/default")
    got = paths.resolve_path(value, default)
    want = default if expected == "DEFAULT" else Path(expected.replace("DATA_ROOT", str(paths.DATA_ROOT)))
    assert got == want
