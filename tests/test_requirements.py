"""requirements.lock and the Makefile's install step (no dependency warnings on install)."""

from __future__ import annotations

from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def test_pip_is_pinned_to_a_version_that_normalises_extras():
    # justext asks for lxml[html_clean]; lxml 6 declares the extra as html-clean. pip before
    # 23.3 compares the names literally and warns that the extra does not exist.
    pins = _pins()
    assert Version(pins["pip"]) >= Version("23.3")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c requirements.lock pip\n" in makefile


def test_lxml_html_clean_is_a_direct_pinned_dependency():
    pins = _pins()
    assert "lxml_html_clean" in pins and "lxml" in pins
