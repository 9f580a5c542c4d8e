from pathlib import Path

import pytest

from pipeline.config import ConfigError, default_values, load_settings


def test_defaults_load_and_digest_is_stable():
    a, b = load_settings(), load_settings()
    assert a.digest() == b.digest()
    assert a.run.batch_size > 0
    assert set(default_values()) == {"ingest", "quality", "spin", "alliance", "dedup", "audit", "run"}


def test_user_file_overrides_a_key(tmp_path: Path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[run]\nbatch_size = 7\n")
    s = load_settings(cfg)
    assert s.run.batch_size == 7
    assert s.digest() == load_settings().digest()  # [run] does not change results
    assert load_settings(cfg).run.batch_size == 7


@pytest.mark.parametrize(
    "content, message",
    [
        ("[nosuch]\nx = 1\n", "unknown configuration section"),
        ("[run]\nbatch_sise = 7\n", "unknown key 'batch_sise'"),
        ("[run]\nbatch_size = -1\n", "invalid configuration"),
        ("[run\nbatch_size = 1\n", "not valid TOML"),
        ("run = 3\n", "must be a table"),
        ("", None),
    ],
)
def test_bad_config_files_get_clear_errors(tmp_path: Path, content: str, message: str | None):
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    if message is None:
        assert load_settings(cfg).digest() == load_settings().digest()
    else:
        with pytest.raises(ConfigError, match=message):
            load_settings(cfg)


def test_missing_config_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")
