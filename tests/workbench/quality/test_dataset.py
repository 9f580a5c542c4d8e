import pytest

from workbench.quality.dataset import repair


@pytest.mark.parametrize(("text", "expected"), [
    ("", ""),
    # A sentence run onto the next one gets its space back; runs of spaces collapse.
    ("It helps.Then  rest.", "It helps. Then rest."),
    # A flattened list item: two common words, the second capitalised, get their line break.
    ("Try problem solvingRealize what you control", "Try problem solving\nRealize what you control"),
    # Brand names and words that are one word stay as they are.
    ("We use BetterHelp and iPhone apps", "We use BetterHelp and iPhone apps"),
])
def test_repair(text, expected):
    assert repair(text) == expected
