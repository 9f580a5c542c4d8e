"""Site-relative norms: robust z per source, flags only for sources with enough articles."""

from __future__ import annotations

import math

import pytest

from pipeline.article import Article
from pipeline.quality.norms import apply_site_norms, robust_z


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], []),
        ([5.0, 5.0, 5.0], [0.0, 0.0, 0.0]),
        ([1.0, 2.0, 3.0], [-1 / 1.4826, 0.0, 1 / 1.4826]),
        # MAD 0 (ties) falls back to the mean absolute deviation.
        ([0.0, 0.0, 0.0, 9.0], [0.0, 0.0, 0.0, 9 / (2.25 * 1.2533)]),
        ([float("1e308"), -1e308, 0.0], [1e308 / (1e308 * 1.4826), -1e308 / (1e308 * 1.4826), 0.0]),
    ],
)
def test_robust_z(values, expected):
    got = robust_z(values)
    assert len(got) == len(expected)
    assert all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12) for a, b in zip(got, expected, strict=True))


def art(i: int, source: str, words: float, coherence: float = 0.1, grade: float = 10.0) -> Article:
    a = Article(article_id=f"{source}/{i}", path="", source=source, text="")
    a.quality = {"score": 1.0, "low_quality": False, "flags": [],
                 "metrics": {"words": words, "grade": grade, "sentence_coherence": coherence}}
    return a


def test_thin_for_its_site_is_flagged():
    arts = [art(i, "long.example", 2000 + 10 * i) for i in range(9)] + [art(9, "long.example", 300)]
    apply_site_norms(arts, {"site_min_articles": 5})
    thin = arts[-1].site_norms
    assert [f["rule"] for f in thin["flags"]] == ["site_words"]
    assert thin["flags"][0]["op"] == "<" and thin["z"]["words"] < -3.5
    assert thin["factor"] == pytest.approx(0.7)
    assert all(not a.site_norms["flags"] for a in arts[:-1])


def test_short_sentences_and_small_sites_are_not_flagged():
    # Low grade (short sentences) is never a site-norm fault; a small site gets no z at all.
    arts = [art(i, "big.example", 800, grade=10 + 0.1 * i) for i in range(9)]
    arts.append(art(9, "big.example", 800, grade=2.0))
    arts += [art(i, "small.example", 50 if i == 0 else 900) for i in range(3)]
    apply_site_norms(arts, {"site_min_articles": 5})
    assert arts[9].site_norms["flags"] == []
    assert arts[9].site_norms["z"]["grade"] < -3.5
    assert all(a.site_norms["z"] == {} and a.site_norms["flags"] == [] for a in arts[10:])


def test_empty_and_unanalysed_articles():
    apply_site_norms([], None)
    a = Article(article_id="x", path="", source="s", text="")
    apply_site_norms([a], None)
    assert a.site_norms["flags"] == [] and a.site_norms["factor"] == 1.0


@pytest.mark.parametrize(
    ("values", "spread", "expected_last"),
    [
        # median 505, MAD 10: without a floor the scale is 14.8, with it 0.15 * 505.
        ([500.0, 510.0, 520.0, 480.0], 0.0, -25 / (10 * 1.4826)),
        ([500.0, 510.0, 520.0, 480.0], 0.15, -25 / (0.15 * 505)),
        ([0.0, 0.0, 0.0, 0.0], 0.15, 0.0),
    ],
)
def test_relative_spread_floor(values, spread, expected_last):
    assert robust_z(values, spread)[-1] == pytest.approx(expected_last)


def test_streamed_norms_do_not_depend_on_order_and_keep_no_article():
    """SiteNorms.add takes a source and its metrics (a run keeps the articles on disk);
    the norms of an article do not depend on the order the corpus streamed by."""
    from pipeline.quality.norms import SiteNorms

    arts = [art(i, "long.example", 2000 + 10 * i) for i in range(9)] + [art(9, "long.example", 300)]
    one, two = SiteNorms({"site_min_articles": 5}), SiteNorms({"site_min_articles": 5})
    for a in arts:
        one.add(a.source, a.quality["metrics"])
    for a in reversed(arts):
        two.add(a.source, dict(a.quality["metrics"]))
    assert all(one.of(a.source, a.quality["metrics"]) == two.of(a.source, a.quality["metrics"])
               for a in arts)
    assert one.of("long.example", arts[-1].quality["metrics"])["flags"][0]["rule"] == "site_words"
    # An unseen source, or an article without metrics, gets no norms.
    unseen = one.of("other.example", {"words": 1.0})
    assert (unseen["n_site"], unseen["z"], unseen["factor"]) == (0, {}, 1.0)
    assert one.of("long.example", None)["n_site"] == 10 and one.of("long.example", {})["z"] == {}
