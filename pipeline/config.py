"""Typed settings: one pydantic model per section of ``pipeline/resources/config/<section>.toml``.

The TOML files are the single source of default values; the models below hold the types and
ranges only (every field is required, so a default file that lacks a key fails to load). A
user's TOML file (``--config``) overrides any key of any section::

    [quality]
    min_words = 80

:func:`load_settings` is the only reader of these files. Unknown sections or keys, values of the
wrong type and values out of range are a :class:`ConfigError` naming the file, the section and
the key (with the nearest known name), so a typo never passes silently. The spaCy factories take
a dict of keys to override and validate it with the same model (``Section.of``).
"""

from __future__ import annotations

import copy
import difflib
import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictStr,
    ValidationError,
    model_validator,
)

# Scalars are strict: TOML values are typed, so "80" or 80.5 for a count is a mistake to report,
# not to convert. A float field accepts an integer (80 -> 80.0); no number accepts a boolean.
Int = Annotated[int, Strict()]
Float = Annotated[float, Strict()]
Bool = StrictBool
Str = StrictStr
Count = Annotated[int, Strict(), Field(ge=0)]
Positive = Annotated[int, Strict(), Field(ge=1)]
NonNeg = Annotated[float, Strict(), Field(ge=0)]
Ratio = Annotated[float, Strict(), Field(ge=0, le=1)]


class ConfigError(ValueError):
    """The configuration is missing, malformed, or has an unknown name or a bad value."""

    def __init__(self, message: str, source: str = "", section: str = "", key: str = "") -> None:
        super().__init__(message)
        self.source, self.section, self.key = source, section, key


def _nearest(name: str, known: Any, form: str = "'{}'") -> str:
    """A "did you mean" hint naming the closest known name, or an empty string."""
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return f"; did you mean {form.format(close[0])}?" if close else ""


class _Section(BaseModel):
    """A section: typed fields, read as attributes (``settings.quality.min_words``)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    section: ClassVar[str] = ""
    # Tables whose keys a layer merges into the defaults' table instead of replacing it.
    merge_tables: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def known_key(cls, key: str) -> bool:
        return key in cls.model_fields

    @classmethod
    def defaults(cls) -> Self:
        """The shipped defaults of this section (validated once, shared: do not mutate)."""
        return getattr(_default_settings(), cls.section)

    @classmethod
    def of(cls, value: Any = None, source: str = "") -> Self:
        """This section from ``value``: the section itself, None (defaults) or a mapping of
        keys overriding the defaults (as a spaCy factory's ``settings`` config)."""
        if value is None:
            return cls.defaults()
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            raise ConfigError(f"[{cls.section}] settings must be a table of keys, "
                              f"not {type(value).__name__}", source, cls.section)
        src = source or f"[{cls.section}] settings"
        values = copy.deepcopy(_default_tables()[cls.section])
        origins = dict.fromkeys(values, _default_source(cls.section))
        _overlay(cls, values, origins, dict(value), src)
        return _validate(cls, values, origins)

    # Read access by key, for code that still passes settings as dicts (offline tools).
    def _names(self) -> list[str]:
        return [*type(self).model_fields, *(self.__pydantic_extra__ or {})]

    def keys(self) -> list[str]:
        return self._names()

    def __getitem__(self, key: str) -> Any:
        if key not in self._names():
            raise KeyError(key)
        return getattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self._names()

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self else default


class IngestSettings(_Section):
    section: ClassVar[str] = "ingest"
    max_file_bytes: Positive
    min_chars: Count
    max_chars: Positive
    follow_symlinks: Bool
    max_depth: Positive
    recurring_line_min_articles: Annotated[int, Strict(), Field(ge=2)]
    recurring_line_min_share: Ratio
    language_min_chars: Count
    analysed_languages: list[Str]
    token_run_chars: Positive
    token_run_step: Positive
    trafilatura_fast: Bool


# A quality rule key: "min_<metric>" / "max_<metric>", optionally "__<tag>" (a second threshold).
_RULE_KEY = re.compile(r"^(min|max)_([a-z0-9_]+?)(?:__([a-z0-9_]+))?$")


class QualitySettings(_Section):
    """[quality]: every ``min_<metric>``/``max_<metric>`` field is a rule (in this order)."""

    section: ClassVar[str] = "quality"
    merge_tables: ClassVar[tuple[str, ...]] = ("weights",)
    # Extra keys are allowed only as "max_<metric>__<tag>" rules on a metric with a rule here.
    model_config = ConfigDict(extra="allow", validate_assignment=True)

    # --- Gopher quality
    min_words: Count
    max_words: Count
    min_mean_word_length: NonNeg
    max_mean_word_length: NonNeg
    min_stop_words: Count
    min_alpha_words_ratio: Ratio
    max_symbol_word_ratio: NonNeg
    max_bullet_lines_ratio: Ratio
    max_ellipsis_lines_ratio: Ratio
    # --- Gopher repetition
    max_dup_line_frac: Ratio
    max_dup_para_frac: Ratio
    max_dup_line_char_frac: Ratio
    max_dup_para_char_frac: Ratio
    max_top_2gram_char_frac: Ratio
    max_top_3gram_char_frac: Ratio
    max_top_4gram_char_frac: Ratio
    max_dup_5gram_char_frac: Ratio
    max_dup_6gram_char_frac: Ratio
    max_dup_7gram_char_frac: Ratio
    max_dup_8gram_char_frac: Ratio
    max_dup_9gram_char_frac: Ratio
    max_dup_10gram_char_frac: Ratio
    # --- C4 and FineWeb
    max_c4_bad_lines: Count
    min_line_punct_ratio: Ratio
    max_short_line_ratio: Ratio
    max_char_dup_ratio: Ratio
    max_newline_word_ratio: NonNeg
    # --- ours
    max_boilerplate_ratio: Ratio
    max_boilerplate_ratio__stub: Ratio
    max_search_phrases: Count
    max_spam_insertions: NonNeg
    max_misplaced_discourse: Count
    max_placeholder_phrases: Count
    max_keyword_list_lines: Count
    max_truncated_paragraphs: Count
    max_markup_per_100w: NonNeg
    max_error_dump_lines: Count
    max_generator_leftovers: Count
    min_content_words: Count
    max_glued_words: NonNeg
    max_encoding_damage: NonNeg
    max_split_words: NonNeg
    max_glued_headings: NonNeg
    max_improbable_pairs: Ratio
    max_grade: Float
    # --- when a rule applies
    coherence_min_sentences: Count
    coherence_min_paragraphs: Count
    shuffle_coherence_min_sentences: Count
    shuffle_coherence_decay: Annotated[float, Strict(), Field(gt=0)]
    shuffle_coherence_max_sentences: Positive
    stuffing_min_content_words: Count
    topic_head_chars: Count
    topic_allowance: Annotated[float, Strict(), Field(ge=1)]
    line_rules_min_lines: Count
    top_ngram_min_words: Count
    chrome_line_words: Positive
    short_line_chars: Count
    english_only_rules: list[Str]
    discourse_edge_sentences: Count
    discourse_min_words_around: Count
    teaser_max_words: Count
    pair_fit_min_pairs: Positive
    glued_token_chars: Positive
    split_unlisted_min_zipf: NonNeg
    split_unlisted_min_len: Positive
    # --- lexicons and patterns (files in pipeline/resources/quality/)
    gopher_stop_words: Str
    spam_patterns: Str
    discourse_markers: Str
    placeholder_phrases: Str
    teaser_endings: Str
    encoding_faults: Str
    markup_patterns: Str
    error_dumps: Str
    generator_leftovers: Str
    keyword_list_lines: Str
    search_phrases: Str
    c4_bad_line_patterns: Str
    bullet_prefixes: Str
    pronoun_classes: Str
    # --- score
    low_quality_below: Ratio
    default_weight: Ratio
    score_families: dict[Str, list[Str]]
    grade_bands: Annotated[list[tuple[Float, Str]], Field(min_length=1)]
    # --- site-relative norms
    site_min_articles: Positive
    site_z_threshold: Annotated[float, Strict(), Field(gt=0)]
    site_min_relative_spread: NonNeg
    site_norm_metrics: dict[Str, Literal["low", "high"]]
    site_flag_weight: Ratio
    weights: dict[Str, Ratio]

    @classmethod
    def rule_metrics(cls) -> set[str]:
        """The metrics that have a rule among the declared fields."""
        return {m.group(2) for k in cls.model_fields if (m := _RULE_KEY.match(k))}

    @classmethod
    def known_key(cls, key: str) -> bool:
        if key in cls.model_fields:
            return True
        m = _RULE_KEY.match(key)
        return bool(m and m.group(3) and m.group(2) in cls.rule_metrics())

    def rules(self) -> Iterator[tuple[str, int | float]]:
        """(key, threshold) of every rule, declared fields first, in the order above."""
        for key, value in (*((k, getattr(self, k)) for k in type(self).model_fields),
                           *(self.__pydantic_extra__ or {}).items()):
            if key.startswith(("min_", "max_")):
                yield key, value

    @model_validator(mode="after")
    def _check_names(self) -> Self:
        for key, value in (self.__pydantic_extra__ or {}).items():
            if not self.known_key(key):
                raise ValueError(f"unknown key '{key}'{_nearest(key, type(self).model_fields)}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{key}: a rule threshold must be a number, got {value!r}")
        rules = {k for k, _ in self.rules()}
        for key in self.weights:
            if key not in rules:
                raise ValueError(f"weights.{key}: no such rule{_nearest(key, rules)}")
        metrics = self.rule_metrics()
        for name in self.english_only_rules:
            if name not in metrics:
                raise ValueError(f"english_only_rules: no rule on '{name}'{_nearest(name, metrics)}")
        return self


class SpinSettings(_Section):
    section: ClassVar[str] = "spin"
    reference_dir: Str
    model_path: Str
    threshold: NonNeg  # above 1: no document is ever judged spun
    span_min_score: NonNeg
    span_min_score_clean: NonNeg
    max_spans: Count
    norm_min_words: Positive
    top_min_words: Positive
    colloc_beta: Annotated[float, Strict(), Field(gt=0)]
    colloc_dom_weight: NonNeg
    pos_min_count: Count
    pos_min_share: Ratio
    phrase_prior: Annotated[float, Strict(), Field(gt=0)]
    phrase_min_llr: NonNeg
    phrase_min_count: Count
    entity_min_match: Ratio
    odd_min_zipf: NonNeg
    score_syntax: Ratio
    score_article: Ratio
    score_fingerprint: Ratio
    score_entity: Ratio
    word_max_near: Count
    word_max_near_function: Count
    word_memo_max: Positive
    unexplained_factor: Ratio
    quote_min_words: Count
    # --- reverse-thesaurus span evidence and its document verdict (spans.py, verdict.py)
    span_evidence: Bool
    span_mu: NonNeg
    span_lambda: Ratio
    span_inner_floor: Ratio
    span_gate_pmi: Float
    span_max_near: Positive
    span_max_zipf: NonNeg
    span_rare_zipf: NonNeg
    span_rare_weight: NonNeg
    span_min_lr: NonNeg
    span_max_lr: Annotated[float, Strict(), Field(gt=0)]
    span_prior: Ratio
    span_type_cap: NonNeg
    span_in_text_factor: Annotated[float, Strict(), Field(gt=0)]
    span_not_in_text_factor: Annotated[float, Strict(), Field(gt=0)]
    span_twice_factor: Annotated[float, Strict(), Field(gt=0)]
    span_repeated_factor: Annotated[float, Strict(), Field(gt=0)]
    span_shorter_factor: Annotated[float, Strict(), Field(gt=0)]
    span_longer_factor: Annotated[float, Strict(), Field(gt=0)]
    span_stop_original_factor: Annotated[float, Strict(), Field(gt=0)]
    # (in-domain trigram count, factor) steps by rising count; [] turns the trigram factor off
    span_trigram_factors: list[tuple[Annotated[int, Field(ge=1)], Annotated[float, Field(gt=0)]]]
    span_no_trigram_factor: Annotated[float, Strict(), Field(gt=0)]
    llr_clean_mean: Float
    llr_clean_sd: Annotated[float, Strict(), Field(gt=0)]
    llr_z_threshold: Float
    span_phrase_factor: Ratio
    span_never_originals: list[Str]
    model_weight: NonNeg
    combined_threshold: Float
    model_alone_threshold: Ratio
    model_alone_min_z: Float
    span_evidence_prior: Ratio
    # --- the suggested original of an evidence span (suggest.py)
    suggest_signals: list[Str]
    suggest_count_weight: NonNeg
    suggest_domain_weight: NonNeg
    suggest_domain_clip: NonNeg
    suggest_in_text: NonNeg
    suggest_closed_class_share: Ratio
    suggest_max_originals: Count
    # --- domain terms, acronyms, fingerprints in the verdict (terms.py)
    score_domain_term: Ratio
    score_acronym: Ratio
    term_llr: NonNeg
    acronym_llr: NonNeg
    fingerprint_llr: NonNeg
    fingerprint_max_per_phrase: Count
    term_open_slot_words: Annotated[int, Strict(), Field(ge=2)]
    score_bare_infinitive: Ratio
    bare_infinitive_llr: NonNeg
    bare_infinitive_max_hits: Count
    bare_infinitive_originals: list[Str]
    bare_infinitive_pos_share: Ratio
    bare_infinitive_max_zipf: NonNeg
    term_swap_max_dom: Count
    term_family_min_ratio: Ratio
    term_family_min_prefix: Count
    term_family_max_suffix: Count


class AllianceSettings(_Section):
    section: ClassVar[str] = "alliance"
    lexicon: Str
    patterns: Str
    citations: Str
    model: Str
    combine: Literal["auto", "model", "rules", "union"]
    gate_window: Count
    gate_requires_no_other_relation: Bool
    frame_window: Count
    override_thresholds: Bool
    threshold_bond: Ratio
    threshold_goals: Ratio
    threshold_tasks: Ratio
    threshold_rupture_repair: Ratio
    candidates_need_cue: Bool
    other_relation_tasks_gate: Bool
    split_on_newlines: Bool
    elements_need_gate: Bool


# The evidence that picks the member of a duplicate cluster to keep (pipeline.dedup.RANK_FIELDS).
KeepField = Literal["declared_canonical", "aligned_copy", "damaged_if_undated", "date", "archive",
                    "off_topic_host", "swap_lean", "spun", "damaged", "truncated", "quality", "id"]


class DedupSettings(_Section):
    section: ClassVar[str] = "dedup"
    shingle_words: Positive
    num_perm: Positive
    threshold: Ratio
    seed: Count
    frame_shingle_words: Positive
    frame_threshold: Ratio
    spun_shingle_words: Positive
    spun_threshold: Ratio
    spun_min_gain: NonNeg
    spun_min_lead: NonNeg
    lsh_factor: Annotated[float, Strict(), Field(gt=0, le=1)]
    verify_factor: Annotated[float, Strict(), Field(gt=0, le=1)]
    max_candidates: Positive
    min_words: Count
    drop_function_words: Bool
    align_max_swap_words: Positive
    align_max_cost: Positive
    align_max_words: Positive
    align_min_matched: Ratio
    align_min_equal: Ratio
    align_texts_kept: Positive
    align_max_near: Positive
    near_aligned_threshold: Ratio
    near_min_equal: Ratio
    near_min_run_words: Positive
    pair_max_df: Positive
    pair_min_shared: Positive
    pair_min_share: Ratio
    pair_candidates: Positive
    pair_chunk: Positive
    align_min_swapped: Ratio
    align_min_runs: Ratio
    align_min_synonym_swaps: Positive
    align_min_synonym_rate: Ratio
    swap_fit_margin: NonNeg
    swap_smoothing: Annotated[float, Strict(), Field(gt=0)]
    swap_shared_weight: NonNeg
    copy_min_swaps: Count
    copy_min_swap_rate: Ratio
    copy_dominance: Ratio
    both_spun_min_share: Ratio
    both_spun_min_consistent: Count
    spin_min_outvoted: Positive
    spin_outvoted_share: Ratio
    spin_min_pairs: Positive
    spin_min_worse_each: Positive
    spin_min_worse_share: Ratio
    shape_min_swaps: Count
    shape_max_edit_share: Ratio
    archive_patterns: list[Str]
    keep_order: Annotated[list[KeepField], Field(min_length=1)]
    truncated_share: Ratio
    topical_host_stems: list[Str]

    @model_validator(mode="after")
    def _keep_order_once(self) -> Self:
        twice = sorted({f for f in self.keep_order if self.keep_order.count(f) > 1})
        if twice:
            raise ValueError(f"keep_order names {', '.join(twice)} more than once")
        return self


class AuditSettings(_Section):
    section: ClassVar[str] = "audit"
    actions: Annotated[list[Str], Field(min_length=1)]
    empty_max_words: Count
    empty_action: Str
    tiny_max_words: Count
    tiny_action: Str
    not_applicable_action: Str
    duplicate_kinds: list[Literal["exact", "near", "spun_copy"]]
    duplicate_action: Str
    link_vehicle_url_patterns: Str
    spam_title_patterns: Str
    reason_max_title_chars: Positive
    link_vehicle_action: Str
    spun_action: Str
    spun_low_quality_action: Str
    spun_offtopic_host_action: Str
    spun_all_copies_action: Str
    low_quality_action: Str
    low_quality_severe_action: Str
    low_quality_provenance_action: Str
    low_quality_fixable_rules: list[Str]
    low_quality_fixable_action: Str
    severe_quality_below: Ratio
    severe_low_score_min_families: Count
    severe_min_flags: Count
    severe_rules: list[Str]
    rule_families: dict[Str, list[Str]]
    review_flag_rules: list[Str]
    review_url_patterns: Str
    review_text_patterns: Str
    offtopic_host_topics: Str
    offtopic_host_terms: Str
    offtopic_host_min_page_terms: Positive
    review_action: Str
    thin_max_words: Count
    thin_min_components: Annotated[int, Strict(), Field(ge=0, le=4)]
    thin_action: Str
    default_action: Str
    reason_max_flags: Count
    report_top_fix: Count
    report_max_rows: Count
    report_max_details: Count
    report_max_text_chars: Count
    report_max_diffs: Count
    report_diff_max_words: Count
    report_diff_max_cost: Positive

    @model_validator(mode="after")
    def _actions_are_listed(self) -> Self:
        for key in type(self).model_fields:
            value = getattr(self, key)
            if key.endswith("_action") and value not in self.actions:
                raise ValueError(f"{key} = {value!r} is not one of actions {self.actions}"
                                 f"{_nearest(value, self.actions)}")
        return self


class RunSettings(_Section):
    section: ClassVar[str] = "run"
    batch_size: Positive
    workers: Count
    analysis_process: Bool
    memo_rss_max_mb: Count
    memo_rss_regrow_mb: Count
    cache: Bool
    cache_dir: Str
    vocab_max_strings: Count


class Settings(BaseModel):
    """All settings of a run; ``digest()`` keys the cache and is written to the outputs."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    ingest: IngestSettings
    quality: QualitySettings
    spin: SpinSettings
    alliance: AllianceSettings
    dedup: DedupSettings
    audit: AuditSettings
    run: RunSettings

    def digest(self) -> str:
        """Hash of every setting that can change an article's results (not [run])."""
        blob = json.dumps(self.model_dump(mode="json", exclude={"run"}), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


SECTION_MODELS: dict[str, type[_Section]] = {
    name: field.annotation for name, field in Settings.model_fields.items()  # type: ignore[misc]
}
SECTIONS = tuple(SECTION_MODELS)


def _default_file(section: str):
    return resources.files("pipeline") / "resources" / "config" / f"{section}.toml"


def _default_source(section: str) -> str:
    return f"pipeline/resources/config/{section}.toml"


@functools.lru_cache(maxsize=1)
def _default_tables() -> dict[str, dict[str, Any]]:
    return {name: tomllib.loads(_default_file(name).read_text(encoding="utf-8"))
            for name in SECTIONS}


def default_values() -> dict[str, dict[str, Any]]:
    """The shipped defaults as plain tables, one per section (a fresh copy; read once)."""
    return copy.deepcopy(_default_tables())


@functools.lru_cache(maxsize=1)
def _default_settings() -> Settings:
    return _build(default_values(), {
        name: dict.fromkeys(body, _default_source(name)) for name, body in default_values().items()
    })


def _overlay(cls: type[_Section], values: dict[str, Any], origins: dict[str, str],
             layer: dict[str, Any], source: str) -> None:
    """Set ``layer``'s keys over ``values`` (in place), rejecting unknown keys."""
    for key, value in layer.items():
        if not cls.known_key(key):
            raise ConfigError(
                f"{source}: unknown key {cls.section}.{key}{_nearest(key, cls.model_fields)}",
                source, cls.section, key)
        old = values.get(key)
        if key in cls.merge_tables and isinstance(value, dict) and isinstance(old, dict):
            values[key] = {**old, **value}
        else:
            values[key] = value
        origins[key] = source


def _validate(cls: type[_Section], values: dict[str, Any], origins: dict[str, str]) -> Any:
    """``cls`` from ``values``; a ValidationError becomes one ConfigError naming each key."""
    try:
        return cls.model_validate(values)
    except ValidationError as exc:
        lines, first = [], None
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            msg = err["msg"].removeprefix("Value error, ")
            if loc:
                key = loc[0]
                got = f" (got {err['input']!r})" if err["type"] != "missing" else ""
                text = f"{'.'.join([cls.section, *loc])}: {msg}{got}"
            else:  # a check across keys: its message starts with the key it is about
                key = re.match(r"\w*", msg).group(0)  # type: ignore[union-attr]
                text = f"{cls.section}.{msg}"
            source = origins.get(key, _default_source(cls.section))
            lines.append(f"{source}: {text}")
            first = first or (source, key)
        source, key = first or ("", "")
        raise ConfigError("\n".join(lines), source, cls.section, key) from None


def _build(values: dict[str, dict[str, Any]], origins: dict[str, dict[str, str]]) -> Settings:
    return Settings.model_construct(**{
        name: _validate(cls, values[name], origins[name]) for name, cls in SECTION_MODELS.items()
    })


def _check_layer(layer: dict[str, Any], source: str) -> None:
    """Every top-level name of a layer must be a section table."""
    for section, body in layer.items():
        if section in SECTION_MODELS and isinstance(body, dict):
            continue
        if section in SECTION_MODELS:
            raise ConfigError(
                f"{source}: [{section}] must be a table of keys: write [{section}] on its own "
                f"line, then one 'key = value' per line", source, section)
        holders = [name for name, cls in SECTION_MODELS.items() if cls.known_key(section)]
        if holders and not isinstance(body, dict):
            raise ConfigError(
                f"{source}: '{section}' is outside any section; put it under "
                + " or ".join(f"[{h}]" for h in holders), source, "", section)
        raise ConfigError(
            f"{source}: unknown section [{section}]{_nearest(section, SECTIONS, '[{}]')} "
            f"(sections: {', '.join(SECTIONS)})", source, section)


def load_settings(path: str | Path | None = None, **overrides: dict[str, Any]) -> Settings:
    """Defaults, then the user's TOML file, then keyword overrides per section."""
    if path is None and not any(overrides.values()):
        return _default_settings().model_copy(deep=True)
    values = default_values()
    origins = {name: dict.fromkeys(body, _default_source(name)) for name, body in values.items()}
    layers: list[tuple[str, dict[str, Any]]] = []
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"configuration file not found: {p}", str(p))
        try:
            layers.append((str(p), tomllib.loads(p.read_text(encoding="utf-8"))))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"configuration file {p} is not valid TOML: {exc}", str(p)) from exc
    layers.append(("overrides", {k: v for k, v in overrides.items() if v}))
    for source, layer in layers:
        _check_layer(layer, source)
        for section, body in layer.items():
            _overlay(SECTION_MODELS[section], values[section], origins[section], body, source)
    return _build(values, origins)
