"""URL and text fingerprints of copies and farm pages (pipeline/url_notes.py)."""

from __future__ import annotations

import pytest

from pipeline.url_notes import normalise_title, spam_title, text_fingerprints, url_fingerprints

HOSTILE = '<script>alert(1)</script>"; DROP TABLE articles; --'


@pytest.mark.parametrize(("text", "expected"), [
    ("As a content strategist I write about grief counselling.", ["persona_template"]),
    ("Our SEO specialist looked into therapy costs.", ["persona_template"]),
    ("Hire the best essay writing service for your therapy notes.", ["planted_anchor"]),
    ("This article originally appeared on another site.", ["syndication_notice"]),
    ("Republished with permission of the author.", ["syndication_notice"]),
    # A therapist's own words about their work, writing homework and permission: no note.
    ("I have counselled couples for 20 years; homework helps clients practise.", []),
    ("The session was first about her mother; the writing exercise helped.", []),
    ("Many people today are \u7126\u616e\u75c7 aware of how therapy helps.", ["foreign_anchor"]),
    ("by | Last updated on May 2, 2024\nWhat is CBT?", ["empty_byline"]),
    ("Therapy helps most clients.[5][2] It works.", ["stacked_citations"]),
    # A translation in brackets, a real byline, one citation marker: no note.
    ("Anxiety (\u7126\u616e) is common.", []),
    ("By Ana Ruiz | 2 May 2024\nWhat is CBT?", []),
    ("Therapy helps most clients.[5] It works.[2]", []),
    # Three numbered reference markers, each near the last (over lines too): a reference work.
    ("CBT is a talking therapy.[1] It was developed in the 1960s.[2]\nSessions are weekly.[14]",
     ["reference_markers"]),
    # Two markers, or a third one far away, or a bracketed list number: no note.
    ("CBT is a talking therapy.[1] It was developed in the 1960s.[2]", []),
    ("CBT helps.[1] It works.[2] " + "Sessions are weekly and calm. " * 30 + "Done.[3]", []),
    ("Steps [1] to [2] of the plan, see [a]", []),
    ("", []), (HOSTILE, []),
])
def test_text_fingerprints(text, expected):
    assert [name for name, _ in text_fingerprints(text)] == expected


def test_text_fingerprints_turned_off():
    assert text_fingerprints("As a content strategist, I wrote this.", "") == []


def test_url_fingerprints_do_not_read_text_patterns():
    assert url_fingerprints("https://example.org/essay-writing-service") == []


@pytest.mark.parametrize(("url", "expected"), [
    ("https://links.example/story.php?title=calm-your-nerves-3", ["bookmark_script"]),
    ("https://social-bookmarks.example/item/calm-your-nerves", ["bookmark_script"]),
    ("https://pastebin.example/download/calm-nerves", ["paste_host"]),
    ("https://notes.example/w/index.php?diff=cur&oldid=12&title=Calm", ["wiki_revision"]),
    ("https://qwxzrt.freeblogz.example", ["blog_farm_subdomain"]),
    ("https://news-site.pages.dev/posts/calm-your-nerves", ["static_host_posts"]),
    ("https://freshbloggers.example/author/ann-lee-7", ["blog_farm_subdomain"]),
    ("http://calmsite-001-site3.freehost.example/category/x", ["hosting_account"]),
    # A post filed under the network's serial number, an author page, on a blog-network subdomain.
    ("https://annaqxzv.freeblogz.example/33355830/how-therapy-helps", ["blog_farm_subdomain"]),
    ("https://calm-ann.netbloggers.example/author/calm-ann", ["blog_farm_subdomain"]),
    # A blog's own dated post, a blogspot serial, a www blog host, a short number in the path.
    ("https://calmnotes.blogspot.com/33355830/post", []),
    ("https://www.therapyblog.example/33355830/post", []),
    ("https://clinic.myblog.example/2024/05/post", []),
    ("https://clinic.myblog.example/author/ann/posts", []),
    # An author page of a named writer, a clinic's numbered address.
    ("https://www.therapyblog.example/author/ann-lee/", []),
    ("https://clinic-001.example/site3/", []),
    # A personal blog, a clinic's static site, a wiki article, a bookmarking host's home page.
    ("https://calmnotes.blogspot.com/2024/01/post.html", []),
    ("https://calmnotes.blogspot.com", []),
    ("https://www.therapyblog.example", []),
    ("https://clinic-site.pages.dev/services/counselling/", []),
    ("https://wiki.example/index.php?title=Counselling", []),
    ("https://social-bookmarks.example/", []),
    ("", []), (HOSTILE, []),
])
def test_link_vehicle_urls(url, expected):
    assert [name for name, _ in url_fingerprints(url, "link_vehicle_urls.tsv")] == expected


@pytest.mark.parametrize(("url", "title", "text", "expected"), [
    ("", "If You Read One Article About Grief, Read This One", "", "read_one_article"),
    ("", "", "How I Achieved Maximum Success with Counselling\nBody text.", "maximum_success"),
    ("https://x.example/how-much-can-couples-therapy-experts-make-7", "", "Body.", "experts_make"),
    ("https://x.example/w/index.php?title=Why_Nobody_Cares_About_Sleep_Hygiene", "", "", "nobody_cares"),
    ("https://x.example/10-panic-tips-that-are-unexpected.html", "", "", "that_are_unexpected"),
    # Ordinary headlines, a template phrase inside a sentence, a topic slot too long.
    ("https://x.example/the-ultimate-guide-to-therapy", "10 Tips for Your First Session", "", None),
    ("", "", "Why nobody cares about therapy is a question I hear, and the answer is long.", None),
    ("", "Why Nobody Cares About a b c d e f g h", "", None),
    ("", "", "", None), (HOSTILE, HOSTILE, HOSTILE, None),
])
def test_spam_title(url, title, text, expected):
    found = spam_title(url, title, text)
    assert (found[0] if found else None) == expected


def test_spam_title_turned_off():
    assert spam_title("", "Why Nobody Cares About Grief", "", "") is None


def test_normalise_title():
    assert normalise_title("What's Holding-Back the_Therapy  Industry?") == \
        "what s holding back the therapy industry"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://board.example/health/res/1234.html", ["imageboard_thread"]),
    ("https://clinic.example/resources/1234", []),
    ("https://clinic.example/res/anxiety.html", []),
])
def test_imageboard_thread_is_a_review_fingerprint(url, expected):
    assert [name for name, _ in url_fingerprints(url)] == expected

