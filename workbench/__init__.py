"""Offline work on alliance-audit: training, simulation, data preparation, evaluation and
benchmarks (``python -m workbench train|evaluate|bench``; ``make train``, ``make evaluate``,
``make bench``). Not shipped in the wheel; the runtime package ``pipeline`` never imports it.
"""

from pipeline.paths import SOURCE_ROOT

PROJECT_ROOT = SOURCE_ROOT
# Training writes here: the source of the models a wheel ships.
MODELS_DIR = PROJECT_ROOT / "models"
