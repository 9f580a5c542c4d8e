from pathlib import Path

from pipeline.article import Article, Sentence, SpinSpan
from pipeline.cache import ResultCache


def _article(text: str) -> Article:
    a = Article(article_id="s/a.txt", path="s/a.txt", source="s", text=text, language="en")
    a.words = 3
    a.quality = {"score": 0.5, "flags": []}
    a.spin_spans = [SpinSpan(0, 3, "abc", "xyz", "lexicon", 0.9)]
    a.sentences = [Sentence(0, 0, 3, "abc", {"bond": 1}, {"bond": "rule x"})]
    return a


def test_round_trip_and_key_sensitivity(tmp_path: Path):
    cache = ResultCache(tmp_path, "pipeline-v1")
    a = _article("abc def ghi")
    cache.store(a)
    fresh = Article(article_id="s/a.txt", path="s/a.txt", source="s", text="abc def ghi", language="en")
    assert cache.load(fresh)
    assert fresh.spin_spans == a.spin_spans and fresh.sentences == a.sentences
    changed = Article(article_id="s/a.txt", path="s/a.txt", source="s", text="abc def ghj", language="en")
    assert not cache.load(changed)
    other_pipeline = ResultCache(tmp_path, "pipeline-v2")
    assert not other_pipeline.load(Article(article_id="s/a.txt", path="s/a.txt", source="s",
                                           text="abc def ghi", language="en"))
    assert (cache.hits, cache.misses) == (1, 1)


def test_corrupt_entry_is_a_miss(tmp_path: Path):
    cache = ResultCache(tmp_path, "k")
    a = _article("")
    cache.store(a)
    for p in tmp_path.rglob("*.json.gz"):
        p.write_bytes(b"not gzip")
    assert not cache.load(_article(""))
