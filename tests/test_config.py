"""Typed settings: defaults from the TOML files, overrides, and errors that name the key."""

import tomllib
from importlib import resources
from pathlib import Path

import pytest
import spacy

from pipeline.config import (
    SECTION_MODELS,
    AllianceSettings,
    ConfigError,
    QualitySettings,
    SpinSettings,
    default_values,
    load_settings,
)
from pipeline.nlp import _register_factories
from pipeline.quality.rules import check_rules


def _write(tmp_path: Path, content: str) -> Path:
    cfg = tmp_path / "c.toml"
    cfg.write_text(content, encoding="utf-8")
    return cfg


def test_defaults_load_typed_and_digest_is_stable():
    a, b = load_settings(), load_settings()
    assert a.digest() == b.digest()
    assert set(default_values()) == {"ingest", "quality", "spin", "alliance", "dedup", "audit", "run"}
    for name, cls in SECTION_MODELS.items():
        assert isinstance(getattr(a, name), cls)
    assert isinstance(a.quality.min_words, int) and isinstance(a.spin.threshold, float)
    assert a.quality.grade_bands[0] == (5.0, "elementary")
    a.run.batch_size = 3  # a copy: the shared defaults are untouched
    assert load_settings().run.batch_size == b.run.batch_size


@pytest.mark.parametrize("section", sorted(SECTION_MODELS))
def test_each_default_file_holds_every_field_in_the_model_order(section: str):
    path = resources.files("pipeline") / "resources" / "config" / f"{section}.toml"
    keys = list(tomllib.loads(path.read_text(encoding="utf-8")))
    # Same keys (the files are the only defaults) and same order (quality rules run in it).
    assert keys == list(SECTION_MODELS[section].model_fields)


def test_user_file_overrides_a_key(tmp_path: Path):
    cfg = _write(tmp_path, "[run]\nbatch_size = 7\n\n[quality]\nmin_words = 80\n")
    s = load_settings(cfg)
    assert s.run.batch_size == 7 and s.quality.min_words == 80
    assert s.quality.max_words == load_settings().quality.max_words
    assert s.digest() != load_settings().digest()
    assert load_settings(_write(tmp_path, "[run]\nbatch_size = 7\n")).digest() == load_settings().digest()


def test_keyword_overrides_and_a_weight_merged_per_key(tmp_path: Path):
    s = load_settings(audit={"thin_max_words": 10}, quality={"weights": {"min_words": 0.5}})
    assert s.audit.thin_max_words == 10
    assert s.quality.weights["min_words"] == 0.5
    assert s.quality.weights["max_words"] == load_settings().quality.weights["max_words"]
    from_file = load_settings(_write(tmp_path, "[quality.weights]\nmin_words = 0.5\n"))
    assert from_file.quality.weights == s.quality.weights


@pytest.mark.parametrize(
    "content, section, key, words",
    [
        ('[quality]\nmin_words = "eighty"\n', "quality", "min_words",
         ["c.toml", "quality.min_words", "valid integer", "eighty"]),
        ("[quality]\nmin_words = -5\n", "quality", "min_words",
         ["quality.min_words", "greater than or equal to 0"]),
        ("[quality]\nmin_words = 80.5\n", "quality", "min_words", ["quality.min_words"]),
        ('[quality]\nmin_words = "80"\n', "quality", "min_words", ["valid integer"]),
        ("[quality.weights]\nmin_words = 1.5\n", "quality", "weights",
         ["quality.weights.min_words", "less than or equal to 1"]),
        ("[run]\nworkers = -1\n", "run", "workers", ["run.workers"]),
        ("[run]\ncache = 1\n", "run", "cache", ["run.cache", "boolean"]),
        ("[spin]\nthreshold = true\n", "spin", "threshold", ["spin.threshold"]),
        ("[dedup]\nthreshold = 1.5\n", "dedup", "threshold", ["dedup.threshold", "less than"]),
        ('[alliance]\ncombine = "both"\n', "alliance", "combine", ["alliance.combine", "'union'"]),
        ("[qualty]\nmin_words = 80\n", "qualty", "", ["unknown section [qualty]", "did you mean [quality]?"]),
        ("[quality]\nmin_wrods = 80\n", "quality", "min_wrods",
         ["unknown key quality.min_wrods", "did you mean 'min_words'?"]),
        ("[run]\nbatch_sise = 7\n", "run", "batch_sise", ["did you mean 'batch_size'?"]),
        ("[quality.weights]\nmin_wrds = 0.5\n", "quality", "weights",
         ["quality.weights.min_wrds", "did you mean 'min_words'?"]),
        ('[quality]\nenglish_only_rules = ["grades"]\n', "quality", "english_only_rules",
         ["did you mean 'grade'?"]),
        ('[audit]\nspun_action = "rewite"\n', "audit", "spun_action",
         ["audit.spun_action", "did you mean 'rewrite'?"]),
        ("min_words = 80\n", "", "min_words", ["outside any section", "[quality] or [dedup]"]),
        ("run = 3\n", "run", "", ["must be a table"]),
        ("[nosuch]\nx = 1\n", "nosuch", "", ["unknown section [nosuch]", "sections: ingest"]),
        # Hostile: a key no one would type, with control characters and markup in it.
        ('[quality]\n"[red]x\\u0000y" = 1\n', "quality", "[red]x\x00y", ["unknown key"]),
    ],
)
def test_bad_config_names_file_section_and_key(tmp_path: Path, content, section, key, words):
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, content))
    err = info.value
    assert (err.section, err.key) == (section, key)
    assert err.source.endswith("c.toml")
    for w in words:
        assert w in str(err)


def test_invalid_toml_empty_file_and_missing_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(_write(tmp_path, "[run\nbatch_size = 1\n"))
    assert load_settings(_write(tmp_path, "")).digest() == load_settings().digest()
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")


def test_an_override_error_names_its_origin():
    with pytest.raises(ConfigError, match=r"^overrides: ingest\.max_depth"):
        load_settings(ingest={"max_depth": 0})


def test_a_tagged_second_threshold_is_a_rule_after_the_declared_ones():
    s = QualitySettings.of({"max_words__long": 60})
    assert list(s.rules())[-1] == ("max_words__long", 60)
    flags = check_rules({"words": 70.0}, "", s)
    assert [(f["rule"], f["threshold"]) for f in flags] == [("words", 60)]
    with pytest.raises(ConfigError, match="did you mean 'max_words'"):
        QualitySettings.of({"max_wrds__long": 60})
    with pytest.raises(ConfigError, match="must be a number"):
        QualitySettings.of({"max_words__long": "60"})


def test_section_of_none_a_dict_or_itself():
    assert SpinSettings.of(None) is SpinSettings.defaults()
    strict = SpinSettings.of({"threshold": 0.9})
    assert strict.threshold == 0.9 and strict.max_spans == SpinSettings.defaults().max_spans
    assert SpinSettings.of(strict) is strict
    with pytest.raises(ConfigError, match="table of keys"):
        SpinSettings.of(["threshold"])


def test_read_by_key_for_code_that_passes_dicts():
    s = load_settings().spin
    assert s["threshold"] == s.threshold == s.get("threshold")
    assert "threshold" in s and "nosuch" not in s and s.get("nosuch", 1) == 1
    assert {**s}["max_spans"] == s.max_spans
    with pytest.raises(KeyError):
        s["of"]  # a method, not a setting
    with pytest.raises(ValueError, match="max_spans"):
        s.max_spans = -1  # assignments are validated too


@pytest.mark.parametrize("factory, section, good, bad", [
    ("text_quality", "quality", {"min_words": 80}, {"min_words": "eighty"}),
    ("spin_detector", "spin", {"threshold": 0.9}, {"treshold": 0.9}),
    ("alliance_components", "alliance", {"gate_window": 1}, {"gate_window": -1}),
])
def test_factories_take_no_config_or_single_keys_validated_by_the_model(factory, section, good, bad):
    _register_factories()
    nlp = spacy.blank("en")
    nlp.add_pipe(factory, name="plain")
    nlp.add_pipe(factory, name="tuned", config={"settings": good})
    defaults = getattr(load_settings(), section)

    def typed(pipe):
        p = nlp.get_pipe(pipe)
        return p.settings if hasattr(p, "settings") else p.extractor.settings

    assert typed("plain") == defaults
    ((key, value),) = good.items()
    assert typed("tuned")[key] == value
    assert typed("tuned").model_dump(exclude={key}) == defaults.model_dump(exclude={key})
    with pytest.raises(ConfigError) as info:
        nlp.add_pipe(factory, name="bad", config={"settings": bad})
    assert f"{section}." in str(info.value) and "'bad'" in str(info.value)


def test_readme_example_is_a_working_configuration(tmp_path: Path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    s = load_settings(_write(tmp_path, block))
    assert s.quality.min_words == 80


def test_alliance_settings_reject_an_unknown_combine_mode():
    with pytest.raises(ConfigError, match="alliance.combine"):
        AllianceSettings.of({"combine": "both"})
