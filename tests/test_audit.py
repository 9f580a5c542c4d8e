"""Audit actions and reasons (pipeline/audit.py, rules in audit.toml)."""

from __future__ import annotations

import pytest

from pipeline import audit
from pipeline.article import Article, SpinSpan
from pipeline.config import load_settings

HOSTILE = '<script>alert(1)</script>"; DROP TABLE articles; --'
FULL = {"bond": 2, "goals": 1, "tasks": 3, "rupture_repair": 1}
THERAPY = "A therapist and a client agree on goals. Counselling takes time. " * 3


@pytest.fixture(autouse=True)
def _no_verdict_module(monkeypatch):
    # Test the rules on article.quality; the verdict module (another stage) is tested there.
    monkeypatch.setattr(audit, "_verdict_function", lambda: None)


def make(text: str = "word " * 400, *, words: int | None = None, quality: float = 0.8,
         low: bool = False, flags: int = 0, spun: bool = False, spin: float = 0.1,
         counts: dict | None = None, dedup: dict | None = None, language: str = "en",
         title: str = "t", dup_rules: int = 0, glued: bool = False,
         rules: tuple[str, ...] = ()) -> Article:
    return Article(
        article_id="a", path="a", source="s", text=text, title=title, language=language,
        words=len(text.split()) if words is None else words, applicable=language == "en",
        quality={"score": quality, "low_quality": low,
                 "flags": [{"rule": f"r{i}", "value": 1.0, "threshold": 0.5, "op": ">"}
                           for i in range(flags)]
                 + [{"rule": f"dup_{n}gram_char_frac", "value": 0.4, "threshold": 0.15, "op": ">"}
                    for n in range(5, 5 + dup_rules)]
                 + ([{"rule": "glued_words", "value": 2.0, "threshold": 0.6, "op": ">"}]
                    if glued else [])
                 + [{"rule": r, "value": 1.0, "threshold": 0.5, "op": ">"} for r in rules]},
        spin={"score": spin, "spun": spun},
        spin_spans=[SpinSpan(0, 4, "word", "term", "lexicon", 0.9)] if spun else [],
        alliance={"counts": FULL if counts is None else counts},
        dedup=dedup or {},
    )


@pytest.mark.parametrize(("article", "action", "reason_part"), [
    (make(""), "review", "empty text"),
    (make("   \n", words=0), "review", "empty text"),
    (make(language="de"), "review", "language 'de'"),
    # A page of 20 words or fewer is a stub with nothing to keep, whatever else it is.
    (make("word " * 20), "remove", "only 20 words after cleaning: a stub"),
    (make("word " * 3, spun=True, spin=0.9), "remove", "only 3 words"),
    (make(HOSTILE), "remove", "only 5 words"),
    (make("word " * 21, counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0}),
     "keep", "short page: 21 words"),
    (make(dedup={"near_duplicate_of": "b", "kind": "exact", "similarity": 1.0}), "remove",
     "exact duplicate of b"),
    (make(dedup={"near_duplicate_of": "b", "kind": "near", "similarity": 0.8}), "remove",
     "near-duplicate of b (similarity 0.80)"),
    (make(dedup={"near_duplicate_of": "b", "kind": "spun_copy", "similarity": 0.4}), "remove",
     "spun copy of b"),
    # The canonical member of a cluster is judged on its own merits.
    (make(dedup={"near_duplicate_of": "", "kind": "", "cluster": "c"}), "keep", "not spun"),
    # Why the other one is kept is part of the reason.
    (make(dedup={"near_duplicate_of": "b", "kind": "exact", "similarity": 1.0,
                 "canonical_reason": "kept: declared canonical URL"}), "remove",
     "keep b (kept: declared canonical URL)"),
    # Several spins of a lost source: none is the original.
    (make(dedup={"near_duplicate_of": "b", "kind": "spun_copy", "similarity": 0.4,
                 "all_spun": True}), "remove", "none is the original: b is listed first (remove it)"),
    (make(spun=True, spin=0.9, dedup={"near_duplicate_of": "", "kind": "", "cluster": "c",
                                      "all_spun": True}),
     "remove", "one of several synonym-swapped copies of a source that is not in the corpus"),
    (make(spun=True, spin=0.9, dedup={"near_duplicate_of": "", "kind": "", "cluster": "c",
                                      "all_spun": True}),
     "remove", "no original to restore it from"),
    (make(spun=True, spin=0.9, low=True, quality=0.4, flags=1,
          dedup={"near_duplicate_of": "", "kind": "", "cluster": "c", "all_spun": True}),
     "remove", "not in the corpus (1 suspect spans); the others are removed and low quality"),
    (make(spun=True, spin=0.9), "rewrite", "spin score 0.90, 1 suspect spans"),
    (make(spun=True, spin=0.9, low=True, quality=0.4, flags=1), "remove", "and low quality"),
    (make(low=True, quality=0.4, flags=1), "review", "low quality (score 0.40): r0: 1 > limit 0.5"),
    # A very low score of one kind of damage is for a person to fix; of two kinds, garbage.
    (make(low=True, quality=0.1, flags=1), "review", "low quality"),
    (make(low=True, quality=0.1, flags=2), "remove", "severely low"),
    (make(low=True, quality=0.4, flags=3), "remove", "severely low"),
    # Damage that can be repaired (glued words only) is rewritten, not removed or reviewed.
    (make(low=True, quality=0.4, glued=True), "rewrite", "repaired without removing"),
    # Split words and encoding damage are repaired too; a glued heading alone is for review.
    (make(low=True, quality=0.16, rules=("split_words", "encoding_damage")), "rewrite",
     "repaired without removing"),
    (make(low=True, quality=0.4, rules=("glued_headings",)), "review", "low quality"),
    (make(low=True, quality=0.1, flags=2, glued=True), "remove", "severely low"),
    (make(low=True, quality=0.4, flags=1, glued=True), "review", "low quality"),
    # Ten repetition rules tripped by one repeated block are one kind of damage.
    (make(low=True, quality=0.0, flags=0, dup_rules=7), "review", "low quality"),
    # An unrendered template (code lines, raw markup, lines without end punctuation, short
    # lines): two kinds of damage at score 0.28 (the score counts each family once) is for a
    # person to review; code and markup are one kind.
    (make(low=True, quality=0.28, rules=("c4_bad_lines", "line_punct_ratio", "short_line_ratio",
                                         "markup_per_100w")), "review", "low quality"),
    (make(low=True, quality=0.4, rules=("c4_bad_lines", "markup_per_100w", "glued_words")),
     "review", "low quality"),
    (make(low=True, quality=0.1, rules=("c4_bad_lines", "markup_per_100w", "glued_words")),
     "remove", "severely low"),
    # Short but sound pages are kept, with the note in the reason.
    (make("word " * 100, counts={"bond": 1, "goals": 0, "tasks": 0, "rupture_repair": 0}),
     "keep", "short page: 100 words and 1 of 4"),
    (make("word " * 400, counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0}),
     "keep", "0 of 4"),
    (make("word " * 400, counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0}),
     "keep", "off the alliance topic (a note, nothing to fix)"),
    (make("word " * 100, counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0}),
     "keep", "short page: 100 words and 0 of 4 alliance components discussed; off the"),
    (make(), "keep", "4 of 4 alliance components"),
    (make(HOSTILE * 50, title=HOSTILE), "keep", "passes the quality check (score 0.80)"),
])
def test_decide(article, action, reason_part):
    got_action, reason = audit.decide(article, load_settings().audit)
    assert got_action == action
    assert reason_part in reason


@pytest.mark.parametrize(("url", "action", "reason_part"), [
    ("https://abcdef123.someblogfarm.com/post-title", "review", "url random_subdomain"),
    ("http://www.mirror.example/theclinic.com/site/index.php", "review", "url domain_in_path"),
    ("https://proxy.library.example/10.1007/978-1-2345-6789-0_2", "review", "url doi_path"),
    ("https://blog.example.org/wp-json/wp/v2/posts/1", "review", "url api_dump"),
    ("https://docshare.example/doc/8812345/counselling-skills-handout", "review",
     "url document_host"),
    ("https://slides.example/slideshow/therapy-basics-pdf", "review", "url document_host"),
    ("https://viewer.magazines.example/issue/0042/p12", "review", "url document_host"),
    ("https://docsmirror.example/document/counselling-skills-in-practice", "review",
     "url document_host"),
    ("https://en-wiki--on--ipfs-org.ipns.dweb.link/wiki/Counseling", "review", "url ipfs_mirror"),
    ("https://answers.example/question-answer/what-is-cbt-1", "review", "url answer_template"),
    ("https://recipes.example/knowledgebase/can-i-hug-my-therapist", "review",
     "url answer_template"),
    ("https://calm-app-x7k2q.ondigitalocean.app/families/emdr", "review",
     "url app_platform_subdomain"),
    ("https://notes.neocities.org/therapy.html", "review", "url app_platform_subdomain"),
    # A site builder's subdomain (a clinic's own site), a platform's own pages.
    ("https://calmclinic.wixsite.com/calmclinic/grief", "keep", "4 of 4"),
    ("https://neocities.org/about", "keep", "4 of 4"),
    ("https://clinic.example/blog/docs/intake-forms", "keep", "4 of 4"),
    ("https://counsel.example/questions/how-do-i-start-therapy", "keep", "4 of 4"),
    ("https://doi.org/10.1007/978-1-2345-6789-0_2", "keep", "4 of 4"),
    ("https://link.publisher.example/article/10.1007/s1", "keep", "4 of 4"),
    ("https://news24.blogspot.com/2024/09/post.html", "keep", "4 of 4"),
    ("", "keep", "4 of 4"),
])
def test_url_fingerprints_are_review_notes(url, action, reason_part):
    article = make()
    article.url = url
    got_action, reason = audit.decide(article, load_settings().audit)
    assert (got_action, reason_part in reason) == (action, True)


@pytest.mark.parametrize(("text", "action", "reason_part"), [
    (THERAPY + "Written by our content strategist. " * 2, "review", "text persona_template"),
    (THERAPY + "See our essay writing service. ", "review", "text planted_anchor"),
    (THERAPY + "This post originally appeared on a partner site. ", "review",
     "text syndication_notice"),
    (THERAPY, "keep", "4 of 4"),
])
def test_text_fingerprints_are_review_notes(text, action, reason_part):
    got_action, reason = audit.decide(make(text), load_settings().audit)
    assert (got_action, reason_part in reason) == (action, True)


def test_text_fingerprint_note_can_be_turned_off():
    article = make(THERAPY + "As a content strategist, I wrote this. ")
    assert audit.decide(article, load_settings(audit={"review_text_patterns": ""}).audit)[0] == "keep"


def test_link_spam_is_severe():
    settings = load_settings().audit
    assert audit.decide(make(low=True, quality=0.4, rules=("spam_insertions",)), settings)[0] == "remove"
    assert audit.decide(make(low=True, quality=0.4, rules=("truncated_paragraphs",)), settings)[0] == "review"
    assert audit.decide(make(low=True, quality=0.4, rules=("spam_insertions",)),
                        load_settings(audit={"severe_rules": []}).audit)[0] == "review"


def test_review_rules_send_a_sound_page_to_review():
    settings = load_settings().audit
    action, reason = audit.decide(make(rules=("placeholder_phrases",)), settings)
    assert action == "review" and "placeholder text" in reason and "a person checks it" in reason
    # Damage outranks the note: a low-quality page keeps its low-quality action.
    assert audit.decide(make(low=True, quality=0.3, rules=("placeholder_phrases",)), settings)[0] == "review"
    assert audit.decide(make(rules=("r_other",)), settings)[0] == "keep"
    # A spun page at a farm address is a link vehicle, not a note for review: removed.
    spun = make(spun=True, spin=0.9)
    spun.url = "https://abcdef123.someblogfarm.com/post"
    assert audit.decide(spun, settings)[0] == "remove"


def test_rules_follow_the_configuration():
    settings = load_settings(audit={"spun_action": "review", "thin_max_words": 10}).audit
    assert audit.decide(make(spun=True, spin=0.9), settings)[0] == "review"
    thin = make("word " * 100, counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0})
    assert audit.decide(thin, settings)[0] == "keep"


def test_quality_verdict_is_preferred_when_present(monkeypatch):
    verdict = {"score": 0.3, "low_quality": True,
               "flags": [{"rule": "top_2gram_char_frac", "value": 0.223, "threshold": 0.2,
                          "op": ">"}],
               "flags_text": "top_2gram_char_frac=0.223>0.2"}
    monkeypatch.setattr(audit, "_verdict_function", lambda: lambda article: verdict)
    action, reason = audit.decide(make(quality=0.9), load_settings().audit)
    assert action == "review"
    # Plain language with the value and the limit, not the rule id.
    assert ("keyword stuffing: the most repeated two-word phrase is 22% of the text; "
            "real pages stay under 20%") in reason
    assert "top_2gram" not in reason


def test_kept_article_reason_does_not_list_minor_flags():
    article = make(flags=1)
    action, reason = audit.decide(article, load_settings().audit)
    assert action == "keep" and "r0" not in reason and "passes the quality check" in reason


@pytest.mark.parametrize(("counts", "expected"), [
    ({}, 0),
    (FULL, 4),
    ({"bond": 0, "goals": 2, "tasks": None}, 1),
    ({"bond": "<b>", "goals": 1}, 1),
])
def test_components_present(counts, expected):
    article = make()
    article.alliance = {"counts": counts}
    assert audit.components_present(article) == expected


def test_with_the_quality_stage_verdict(monkeypatch):
    """Site norms reach the decision through pipeline.quality.verdict when it is installed."""
    verdict = pytest.importorskip("pipeline.quality.verdict")
    monkeypatch.setattr(audit, "_verdict_function", lambda: verdict.quality_verdict)
    article = make(quality=0.8)
    article.site_norms = {"factor": 0.5, "low_quality_below": 0.5,
                          "flags": [{"rule": "site_words", "value": -5.0, "threshold": -3.5,
                                     "op": "<"}]}
    action, reason = audit.decide(article, load_settings().audit)
    assert action == "review"
    assert "short for this site" in reason and "5.0 spreads below" in reason
    assert "quality (score 0.40)" in reason


@pytest.mark.parametrize(("flags", "expected"), [
    ([], False),
    ([{"rule": "glued_words"}], True),
    (["glued_words=2>0.6"], True),
    ([{"rule": "glued_words"}, {"rule": "words"}], False),
    ([{"rule": HOSTILE}], False),
])
def test_fixable_only(flags, expected):
    assert audit.fixable_only(flags, ["glued_words"]) is expected


@pytest.mark.parametrize(("flags", "expected"), [
    ([], set()),
    ([{"rule": "c4_bad_lines"}, {"rule": "markup_per_100w"}], {"code"}),
    (["c4_bad_lines=10>0", "markup_per_100w=28.8>2", "line_punct_ratio=0.04<0.12",
      "short_line_ratio=0.74>0.67"], {"code", "lines"}),
    ([{"rule": "dup_5gram_char_frac"}, {"rule": "char_dup_ratio"}, {"rule": "glued_words"}],
     {"repetition", "glued_words"}),
    ([{"rule": HOSTILE}], {HOSTILE}),
])
def test_rule_families(flags, expected):
    assert audit.rule_families(flags, load_settings().audit.rule_families) == expected


MENTAL = "Anxiety and depression, stress at work: your mental health matters. " * 3


@pytest.mark.parametrize(("url", "text", "action", "reason_part"), [
    ("https://visualfoodie.example/ethics", THERAPY, "review", "on a food site (host word 'foodie')"),
    # Not a therapy article: the farm's own filler is left alone.
    ("https://visualfoodie.example/self-care", "Self-care tips for busy weeks. " * 20, "keep", "4 of 4"),
    ("https://www.eatingdisorders.example/team", THERAPY, "keep", "4 of 4"),
    # A mental-health article (no therapist named) on a host of another trade is a review note.
    ("https://visualfoodie.example/self-care", MENTAL, "review", "on a food site"),
    ("https://www.anxietyclinic.example/self-care", MENTAL, "keep", "4 of 4"),
])
def test_offtopic_host_is_a_review_note(url, text, action, reason_part):
    article = make(text)
    article.url = url
    got_action, reason = audit.decide(article, load_settings().audit)
    assert (got_action, reason_part in reason) == (action, True)


@pytest.mark.parametrize(("url", "quality", "flags", "action", "reason_part"), [
    # Badly damaged (under the severe line, one kind of damage) on a farm host or a copy's
    # address: garbage, removed.
    ("https://visualfoodie.example/ethics", 0.1, 1, "remove", "on a food site (host word 'foodie')"),
    ("https://zz.example/a/www.other.com/page", 0.1, 1, "remove", "url domain_in_path"),
    # The same damage on a therapy host, or milder damage on a farm host: a person decides.
    ("https://www.eatingdisorders.example/team", 0.1, 1, "review", "low quality"),
    ("https://visualfoodie.example/ethics", 0.4, 1, "review", "low quality"),
    ("", 0.1, 1, "review", "low quality"),
])
def test_damaged_page_on_a_farm_address_is_removed(url, quality, flags, action, reason_part):
    article = make(THERAPY, low=True, quality=quality, flags=flags)
    article.url = url
    got_action, reason = audit.decide(article, load_settings().audit)
    assert (got_action, reason_part in reason) == (action, True)


def test_damaged_page_on_a_farm_address_follows_the_configuration():
    article = make(THERAPY, low=True, quality=0.1, flags=1)
    article.url = "https://visualfoodie.example/ethics"
    settings = load_settings(audit={"low_quality_provenance_action": "review"}).audit
    assert audit.decide(article, settings)[0] == "review"


# A page that names a mental-health matter once (stress), the rest about the host's own trade.
ONE_TERM = ("Clearing a crowded garage takes a weekend, a rented skip and a plan for each shelf. "
            "Sorting old belongings can bring up stress for some owners. " + "Label every box. " * 8)


@pytest.mark.parametrize(("url", "min_terms", "action"), [
    # One therapy or mental-health term is enough (stop 34: the labels send such pages on hosts
    # of another trade to review; audit.toml offtopic_host_min_page_terms = 1)...
    ("https://visualfoodie.example/declutter", None, "review"),
    # ...and the threshold is the configured one: at 3 the same page is kept.
    ("https://visualfoodie.example/declutter", 3, "keep"),
    # On a host that names health the page is kept whatever the threshold.
    ("https://www.anxietyclinic.example/declutter", None, "keep"),
])
def test_offtopic_host_min_page_terms(url, min_terms, action):
    assert audit.page_terms(ONE_TERM, "therapy_terms.txt") == 1
    article = make(ONE_TERM)
    article.url = url
    changes = {} if min_terms is None else {"offtopic_host_min_page_terms": min_terms}
    assert audit.decide(article, load_settings(audit=changes).audit)[0] == action


def test_offtopic_host_note_can_be_turned_off():
    article = make(THERAPY)
    article.url = "https://visualfoodie.example/ethics"
    settings = load_settings(audit={"offtopic_host_topics": ""}).audit
    assert audit.decide(article, settings)[0] == "keep"


@pytest.mark.parametrize(("url", "action", "reason_part"), [
    # Spinner output on a host named for another trade is a link vehicle: removed.
    ("https://visualfoodie.example/ethics", "remove", "on a food site (host word 'foodie')"),
    # The same spin on a therapy host is restored from the suggestions.
    ("https://www.eatingdisorders.example/team", "rewrite", "restore the wording"),
    ("", "rewrite", "restore the wording"),
    # ...and at a blog-farm address (a name-and-digits subdomain): removed as well.
    ("https://calmtherapist4821.blogfarm.example/why-counselling", "remove",
     "url random_subdomain"),
])
def test_spun_page_on_an_offtopic_host_is_removed(url, action, reason_part):
    article = make(THERAPY, spun=True, spin=0.9)
    article.url = url
    got_action, reason = audit.decide(article, load_settings().audit)
    assert (got_action, reason_part in reason) == (action, True)


def test_spun_offtopic_host_action_follows_the_configuration():
    article = make(THERAPY, spun=True, spin=0.9)
    article.url = "https://visualfoodie.example/ethics"
    settings = load_settings(audit={"spun_offtopic_host_action": "rewrite"}).audit
    assert audit.decide(article, settings)[0] == "rewrite"


@pytest.mark.parametrize(("article", "action", "reason_part"), [
    # Spun and damaged only in ways a script repairs: rewritten, never removed.
    (make(spun=True, spin=0.9, low=True, quality=0.4, glued=True), "rewrite", "repair the damage"),
    # Spun and damaged otherwise: removed.
    (make(spun=True, spin=0.9, low=True, quality=0.4, flags=1, glued=True), "remove",
     "and low quality"),
])
def test_spun_page_with_repairable_damage_is_rewritten(article, action, reason_part):
    got_action, reason = audit.decide(article, load_settings().audit)
    assert (got_action, reason_part in reason) == (action, True)


@pytest.mark.parametrize("action", ["rewrite", "review", "remove"])
def test_the_first_spin_of_a_lost_source_takes_its_setting(action):
    s = load_settings().audit.model_copy(update={"spun_all_copies_action": action})
    article = make(spun=True, spin=0.9, dedup={"near_duplicate_of": "", "kind": "", "cluster": "c",
                                                "all_spun": True})
    assert audit.decide(article, s)[0] == action
    # a spun page outside such a cluster keeps spun_action
    assert audit.decide(make(spun=True, spin=0.9), s)[0] == s.spun_action


@pytest.mark.parametrize(("url", "title", "kw", "action", "reason_part"), [
    ("https://links.example/story.php?title=calm-3", "t", {}, "remove", "url bookmark_script"),
    ("https://pastebin.example/raw/calm", "t", {}, "remove", "url paste_host"),
    # Damage a script repairs does not save a link vehicle, nor does spin.
    ("https://news-site.pages.dev/posts/calm", "t", {"low": True, "quality": 0.4, "glued": True},
     "remove", "url static_host_posts"),
    ("https://qwxzrt.freeblogz.example", "t", {"spun": True, "spin": 0.9}, "remove",
     "url blog_farm_subdomain"),
    ("https://clinic.example/grief", "If You Read One Article About Grief, Read This One", {},
     "remove", "title read_one_article"),
    # A duplicate is still removed as a duplicate (its original named).
    ("https://pastebin.example/raw/calm", "t",
     {"dedup": {"near_duplicate_of": "b", "kind": "near", "similarity": 0.8}}, "remove",
     "near-duplicate of b"),
    ("https://clinic.example/grief", "Ten Things to Know About Grief", {}, "keep", "4 of 4"),
])
def test_link_vehicle_is_removed(url, title, kw, action, reason_part):
    article = make(THERAPY, title=title, **kw)
    article.url = url
    got_action, reason = audit.decide(article, load_settings().audit)
    assert (got_action, reason_part in reason) == (action, True)


def test_link_vehicle_rules_follow_the_configuration():
    article = make(THERAPY, title="If You Read One Article About Grief, Read This One")
    article.url = "https://pastebin.example/raw/calm"
    off = load_settings(audit={"link_vehicle_url_patterns": "", "spam_title_patterns": ""}).audit
    assert audit.decide(article, off)[0] == "keep"
    review = load_settings(audit={"link_vehicle_action": "review"}).audit
    assert audit.decide(article, review)[0] == "review"
