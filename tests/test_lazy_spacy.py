"""spaCy imports without its CLI (``pipeline._lazy_spacy``), and everything the run uses of spaCy
still works: the blank pipeline with our factories, en_core_web_sm, ``spacy.info`` and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CODE = """
import json, sys
import pipeline, spacy
lazy = "spacy.cli" not in sys.modules
from pipeline.config import load_settings
from pipeline.nlp import build_nlp, english_model
nlp = build_nlp(load_settings(None))
doc = nlp("The therapist and the client agree on goals. They meet weekly.")
blank = spacy.blank("en")
blank.add_pipe("sentencizer")
blank.add_pipe("text_quality")
tags = [t.tag_ for t in english_model()("The client talks.")]
still_lazy = "spacy.cli" not in sys.modules
version = spacy.info()["spacy_version"]
from spacy.cli import download, info
print(json.dumps({"lazy": lazy, "still_lazy": still_lazy, "pipes": nlp.pipe_names,
                  "sents": len(list(doc.sents)), "spin": sorted(doc._.spin), "blank": blank.pipe_names,
                  "tags": tags, "version": version == spacy.__version__,
                  "cli": callable(download) and callable(info)}))
"""


def _run(eager: bool) -> dict:
    env = {**os.environ, "ALLIANCE_AUDIT_EAGER_SPACY": "1" if eager else "0"}
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                          check=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_lazy_and_eager_spacy_give_the_same_pipelines():
    lazy, eager = _run(eager=False), _run(eager=True)
    assert lazy.pop("lazy") and lazy.pop("still_lazy")
    assert not eager.pop("lazy") and not eager.pop("still_lazy")
    assert lazy == eager
    assert lazy["pipes"][-1] == "alliance_components" and lazy["sents"] == 2
    assert lazy["tags"] == ["DT", "NN", "VBZ", "."] and lazy["version"] and lazy["cli"]


def test_spacy_command_line_runs():
    proc = subprocess.run([sys.executable, "-c", "import pipeline, spacy.cli, sys; "
                           "sys.argv = ['spacy', 'info']; spacy.cli.setup_cli()"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "spaCy version" in proc.stdout
