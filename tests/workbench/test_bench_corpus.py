"""The generated bench corpus: seeded, about the asked length, spread over sources and formats."""

import json

from workbench.bench_corpus import SOURCES, generate_texts, write_corpus


def test_generated_articles_are_seeded_and_about_the_asked_length():
    one, two = generate_texts(6, 80, seed=3), generate_texts(6, 80, seed=3)
    assert one == two
    assert generate_texts(6, 80, seed=4) != one
    assert len(one) == 6
    for i, text in enumerate(one):
        # every fifth article goes through the spinner simulator, which may reword any word of
        # it, its title too; the others keep their title
        if i % 5:
            assert text.startswith(f"Generated article {i}\n\n")
        assert len(text.split()) >= 70


def test_corpus_is_spread_over_sources_and_formats(tmp_path):
    texts = [f"Title {i}\n\nFirst paragraph {i}.\n\nSecond paragraph {i}." for i in range(9)]
    write_corpus(texts, tmp_path)
    found = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert {p.split("/")[0] for p in found} == set(SOURCES)
    assert sum(p.endswith(".txt") for p in found) == 3
    assert sum(p.endswith(".html") for p in found) == 3
    records = [json.loads(line) for p in tmp_path.rglob("feed.jsonl")
               for line in p.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["text"] for r in records) == sorted(texts[i] for i in (2, 5, 8))
    page = (tmp_path / SOURCES[1] / "a00001.html").read_text(encoding="utf-8")
    assert "<p>First paragraph 1.</p>" in page and 'rel="canonical"' in page
