from __future__ import annotations

import pytest
from rich.console import Console

from pipeline.spin.explain import explain, highlighted


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("", [], ""),
        ("the remedy works", [{"start_char": 4, "end_char": 10, "suggestion": "therapy", "signal": "word_model"}],
         "the remedy [-> therapy] works"),
        ("{x}", [{"start_char": 0, "end_char": 3, "suggestion": "", "signal": "spinner_syntax"}], "{x}"),
    ],
)
def test_highlighted(text, spans, expected):
    assert highlighted(text, spans).plain == expected


def test_explain_renders(detector):  # the fixture skips when the model is not trained
    from tests.spin.test_detector import SPUN

    console = Console(record=True, width=100)
    console.print(explain(SPUN))
    out = console.export_text()
    assert "spin verdict" in out and "SPUN" in out and "->" in out
