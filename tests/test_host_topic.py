"""Host names about another trade (pipeline/host_topic.py) and the audit's review note."""

from __future__ import annotations

import pytest

from pipeline.host_topic import host_names, host_of, host_words, offtopic_host, page_terms, segment

HOSTILE = '<script>alert(1)</script>"; DROP TABLE articles; --'


@pytest.mark.parametrize(("label", "expected"), [
    ("", ()),
    ("visualfoodie", ("visual", "foodie")),
    ("psychologytoday", ("psychology", "today")),
    ("chimneysweep", ("chimney", "sweep")),
    ("therapy", ("therapy",)),
])
def test_segment(label, expected):
    assert segment(label) == expected


def test_segment_covers_every_letter():
    for label in ("qxzvbnm", "eatsip", "abcdefghijklmnopqrstuvwxyzabcdefghij"):
        assert "".join(segment(label)) == label


@pytest.mark.parametrize(("url", "expected"), [
    ("", ""), ("not a url", ""), (HOSTILE, ""), ("http://[::1", ""),
    ("https://WWW.Example.COM:8080/a?b", "www.example.com"),
])
def test_host_of(url, expected):
    assert host_of(url) == expected


def test_host_words_split_labels_on_digits_and_hyphens():
    assert host_words("eat365-foodie.example") == ("eat", "foodie", "example")


@pytest.mark.parametrize(("url", "expected"), [
    ("https://visualfoodie.example/ethics-for-therapists", ("food", "foodie")),
    ("https://handbagsoutlet.example/why-therapy", ("shop", "handbags")),
    ("https://best-casino-slots.example/post", ("casino", "casino")),
    ("https://zz.cheapcars.example/p", ("cars", "cars")),
    ("https://llamafarmstay.example/grief-counselling", ("animals", "llama")),
    ("https://webcssstudio.example/what-is-counselling", ("tech", "css")),
    ("https://hdmovieshub.example/finding-a-counsellor", ("entertainment", "movies")),
    ("https://www.filmtherapy.example/", None),  # "therap" keeps it on topic
    ("https://sparklecleaningservices.example/help-for-anxiety", ("home", "cleaning")),
    ("https://psylabvr.example/fear-of-flying", None),  # "psy" begins a word: on topic
    ("https://www.petcounselling.example/", None),  # "counsel" keeps it on topic
    # A rare trade word the segmentation cut into pieces still counts...
    ("https://www.vashikaranguru.example/", ("astrology", "vashikaran")),
    ("https://www.ordercialisrx.example/therapy", ("pharmacy", "cialis")),
    # ...but not inside a longer word of the host.
    ("https://specialistteam.example/", None),
    # Everyday words of trade names (love, marriage, support, help) do not outweigh a trade word.
    ("https://vashikaranlovemarriage.example/", ("astrology", "vashikaran")),
    ("https://supportshop.example/anxiety", ("shop", "shop")),
    ("https://lovemarriagehelp.example/", None),
    # Essay and assignment services, pharmacy spam, link farms, greeting-status sites, answer farms.
    ("https://topessayhelp.example/grief", ("essays", "essay")),
    ("https://bestrxstore.example/anxiety", ("pharmacy", "rx")),
    ("https://dailylinks.example/therapy", ("marketing", "links")),
    ("https://lovestatus.example/sleep", ("greetings", "status")),
    ("https://quickanswer.example/what-is-cbt", ("answers", "answer")),
    ("https://freedocuments.example/d/grief-counselling", ("documents", "documents")),
    # A publisher's link resolver is not a link farm.
    ("https://link.publisher.example/article/1", None),
    # A host that also names health, therapy or psychology is on topic.
    ("https://www.nationaleatingdisorders.example/treatment", None),
    ("https://mindfoodclinic.example/", None),
    ("https://foodpsychologytoday.example/", None),
    # Nothing of another trade: no note.
    ("https://www.psychologytoday.example/us/therapists", None),
    ("https://qxzvbn.example/", None),
    ("", None), (HOSTILE, None),
])
def test_offtopic_host(url, expected):
    assert offtopic_host(url) == expected


THERAPY = "A therapist and a client agree on goals. Counselling takes time. " * 3


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0), (HOSTILE, 0),
    (THERAPY, 6),
    # Mental-health terms count too (a mental-health article on a farm is reviewed), but
    # "self-care" or "tips" alone do not; whole words only.
    ("Self-care for anxiety and your mental health.", 2),
    ("Self-care tips for busy weeks.", 0),
    ("Anxious, depressed, PTSD; well-being and wellbeing.", 5),
    ("Therapeutics, counselor, Psychotherapy.", 2),
])
def test_page_terms(text, expected):
    assert page_terms(text) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.riverbanktherapy.example/blog/x", True),
    ("https://psychologytoday.example/us", True),     # a long stem anywhere in the letters
    ("https://my-counselling-room.example/", True),
    ("https://researcher.life/article/1", False),     # "life" is not a therapy stem here
    ("https://littleprofessor.example/lexicon/family-therapy", False),   # the path does not count
    ("https://eshopeasy.example/", False),
    ("corpus/blog/post.txt", None), ("", None), (HOSTILE, None),
])
def test_host_names(url, expected):
    stems = ("therap", "psych", "counsel", "mental")
    assert host_names(url, stems) is expected
