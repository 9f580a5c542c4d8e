"""Extra alliance training documents: real-web dev sentences by offset, our own passages."""

from __future__ import annotations

import hashlib

import pytest

from workbench.realweb import alliance_data as AD

HEADER = "sent_id,split,page_id,start,end,sha1,bond,goals,tasks,rupture_repair,kind,notes\n"


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("REALWEB", raising=False)
    monkeypatch.delenv(AD.HOLD_OUT_ENV, raising=False)
    return tmp_path


def test_nothing_present_gives_nothing(project):
    assert AD.extra_documents(project) == []


def test_realweb_dev_only_checked_by_sha1(project):
    page = "Tell your counsellor. It stung when she said that.\x00 ☃"
    first, second = (0, 21), (22, 50)
    labels = project / "workbench" / "realweb"
    labels.mkdir(parents=True)
    rows = [
        f"s1,dev,p1,{first[0]},{first[1]},{_sha(page[first[0]:first[1]])},0,0,0,1,positive,",
        f"s2,dev,p1,{second[0]},{second[1]},{'0' * 40},1,0,0,0,positive,",  # changed page
        f"s3,test,p1,{second[0]},{second[1]},{_sha(page[second[0]:second[1]])},1,0,0,0,positive,",
        "s4,dev,missing,0,5,abc,0,0,0,0,other,",
    ]
    (labels / "sentences_x.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    pages = project / ".realweb" / "pages"
    pages.mkdir(parents=True)
    (pages / "p1.txt").write_bytes(page.encode("utf-8"))
    docs = AD.realweb_documents(project)
    assert [d["doc"] for d in docs] == ["p1"]
    assert docs[0]["rows"] == [(0, 21, {"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 1},
                                "positive")]
    assert AD.realweb_documents(project, split="test")[0]["rows"][0][2]["bond"] == 1


def test_held_out_files_are_left_out(project, monkeypatch):
    page = "Tell your counsellor."
    labels = project / "workbench" / "realweb"
    labels.mkdir(parents=True)
    for tag, page_id in (("kept", "p1"), ("unseen", "p2")):
        row = f"s1,dev,{page_id},0,{len(page)},{_sha(page)},0,0,1,0,positive,"
        (labels / f"sentences_{tag}.csv").write_text(HEADER + row + "\n", encoding="utf-8")
    pages = project / ".realweb" / "pages"
    pages.mkdir(parents=True)
    for page_id in ("p1", "p2"):
        (pages / f"{page_id}.txt").write_text(page, encoding="utf-8")
    assert [d["doc"] for d in AD.realweb_documents(project)] == ["p1", "p2"]
    monkeypatch.setenv(AD.HOLD_OUT_ENV, " unseen, other ")
    assert AD.held_out_tags() == {"unseen", "other"}
    assert [d["doc"] for d in AD.realweb_documents(project)] == ["p1"]
    monkeypatch.setenv(AD.HOLD_OUT_ENV, "")
    assert AD.held_out_tags() == frozenset()


@pytest.mark.parametrize("text", ["She left the session upset.", "", "<b>\u202e x</b>"])
def test_own_passages_offsets(project, text):
    path = project / AD.OWN_PATH
    path.parent.mkdir(parents=True)
    path.write_text("doc,text,bond,goals,tasks,rupture_repair,kind\n"
                    f"a,First one.,1,0,0,0,positive\n"
                    f"a,\"{text}\",0,0,0,1,positive\n", encoding="utf-8")
    (doc,) = AD.own_documents(project)
    assert doc["origin"] == "own"
    got = [doc["text"][a:b] for a, b, _, _ in doc["rows"]]
    assert got == ["First one.", text.strip()]
    assert doc["rows"][1][2]["rupture_repair"] == 1
