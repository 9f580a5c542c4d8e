"""Training helpers as plain functions, and a tiny end-to-end fit on hand-made sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.alliance import model as model_io
from pipeline.alliance.rules import LABELS
from workbench.alliance import train as T


@pytest.mark.parametrize(
    ("y", "p", "micro"),
    [
        ([[1, 0, 0, 0]], [[1, 0, 0, 0]], 1.0),
        ([[1, 0, 0, 0]], [[0, 0, 0, 0]], 0.0),
        ([[1, 1, 0, 0], [0, 0, 1, 0]], [[1, 0, 0, 0], [0, 0, 1, 1]], 0.667),
        ([[0, 0, 0, 0]], [[0, 0, 0, 0]], 1.0),  # nothing to find, nothing found
    ],
)
def test_scores_micro(y, p, micro):
    assert T.scores(np.array(y), np.array(p))["micro_f1"] == pytest.approx(micro, abs=1e-3)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("rules", [[1, 0, 0, 0]]), ("model", [[0, 1, 0, 0]]), ("union", [[1, 1, 0, 0]])],
)
def test_combine(mode, expected):
    proba = np.array([[0.1, 0.9, 0.2, 0.0]])
    rules = np.array([[1, 0, 0, 0]])
    got = T.combine(proba, rules, np.full(4, 0.5), mode)
    assert got.tolist() == expected


def test_tune_thresholds_separates():
    y = np.array([[1, 0, 0, 0]] * 5 + [[0, 0, 0, 0]] * 5)
    proba = np.zeros((10, 4))
    proba[:5, 0] = 0.7
    proba[5:, 0] = 0.4
    thr = T.tune_thresholds(y, proba, np.zeros_like(y), "model")
    assert 0.4 < thr[0] <= 0.7


def test_tune_thresholds_beta_below_one_trades_recall_for_precision():
    # Label 0: four positives at 0.8, two at 0.5 beside two negatives at 0.5. F1 takes the
    # lower threshold (6 found, 2 wrong); F0.5 the higher (4 found, none wrong).
    y = np.array([[1, 0, 0, 0]] * 6 + [[0, 0, 0, 0]] * 2)
    proba = np.zeros((8, 4))
    proba[:4, 0] = 0.8
    proba[4:, 0] = 0.5
    rules = np.zeros_like(y)
    assert T.tune_thresholds(y, proba, rules, "model")[0] <= 0.5
    assert T.tune_thresholds(y, proba, rules, "model", beta=1.0)[0] <= 0.5
    assert 0.5 < T.tune_thresholds(y, proba, rules, "model", beta=0.5)[0] <= 0.8


def test_discusses_accuracy():
    frame = pd.DataFrame({"doc": ["a", "a", "b"], **{lab: [0, 1, 0] for lab in LABELS}})
    pred = np.array([[0, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]])
    out = T.discusses_accuracy(frame, pred)
    assert out["documents"] == 2
    assert out["accuracy"] == pytest.approx(7 / 8)


POS = {
    "bond": "You should feel safe and respected by your therapist.",
    "goals": "Agree on the goals of therapy with your counsellor.",
    "tasks": "Your therapist may set homework between sessions.",
    "rupture_repair": "Tell your therapist when a session left you feeling judged.",
}


def _tiny_prepared() -> T.Prepared:
    from pipeline.alliance.extract import analyse_text  # noqa: F401  (warms the tokenizer)

    texts, rows = [], []
    for k in range(6):
        for lab, sent in POS.items():
            texts.append(sent if k % 2 else sent.replace("therapist", "counsellor"))
            rows.append({"origin": "corpus", "doc": f"d{k}", "group": f"g{k}",
                         "start": 1000 * len(rows), "end": 1000 * len(rows) + len(sent),
                         **{m: int(m == lab) for m in LABELS}})
    frame = pd.DataFrame(rows)
    ex = T.AllianceExtractor(T._settings(combine="rules"), None)
    nlp = T._blank_nlp()
    recs = [ex.sentence_records(nlp(t), None)[0] for t in texts]
    return T.Prepared(
        frame=frame, texts=texts,
        lemma_texts=[model_io.lemma_text(r["scored_lemmas"]) for r in recs],
        context_texts=[model_io.lemma_text(r["scored_lemmas"], r["context"]) for r in recs],
        near_texts=[model_io.lemma_text(r["scored_lemmas"], r["context"], model_io.frame_near(
            r["scored_lemmas"], ex.rules.frame, 3)) for r in recs],
        hits=[r["hits"] for r in recs],
        role=np.array([r["role"] for r in recs]),
        candidate=np.array([r["candidate"] for r in recs]),
        rule_labels=np.array([[ex.decide(r)[0][lab] for lab in LABELS] for r in recs]),
        scored_lemmas=[list(r["scored_lemmas"]) for r in recs],
    )


@pytest.mark.parametrize("options", [{}, {"char": True, "lemma": False}, {"context": True},
                                     {"head_words": 3}, {"hard_negative_weight": 2.0},
                                     {"word": True, "frame_window": 0},
                                     {"context": False, "frame_window": 0}])
def test_fit_predict_roundtrip(tmp_path, options):
    data = _tiny_prepared()
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    idx = np.arange(len(data.frame))
    bundle = T.fit_bundle(data, idx, names, seed=0, **options)
    proba = T.predict(bundle, data, idx)
    assert bundle["context"] is bool(options.get("context", T.FEATURES["context"]))
    y = data.frame[list(LABELS)].to_numpy()
    # Trained on these very sentences: each one's own label must score highest.
    assert (proba.argmax(axis=1) == y.argmax(axis=1)).all()
    model_io.save(bundle, tmp_path / "m.skops")
    again = model_io.load(tmp_path / "m.skops")
    assert np.allclose(T.predict(again, data, idx), proba)


def test_saved_bundle_is_deflated(tmp_path):
    """The vocabularies sit in the skops schema as JSON: the file is written compressed."""
    import zipfile

    data = _tiny_prepared()
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    bundle = T.fit_bundle(data, np.arange(len(data.frame)), names, seed=0)
    model_io.save(bundle, tmp_path / "m.skops")
    with zipfile.ZipFile(tmp_path / "m.skops") as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}


def test_component_uses_a_bundle(tmp_path, alliance_nlp):
    """A saved bundle is picked up by the component, which reports model evidence."""
    data = _tiny_prepared()
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    bundle = T.fit_bundle(data, np.arange(len(data.frame)), names, seed=0)
    bundle.update(thresholds=dict.fromkeys(LABELS, 0.5), combine="model")
    model_io.save(bundle, tmp_path / "m.skops")
    nlp = alliance_nlp(model=str(tmp_path / "m.skops"))
    sent = nlp("Your therapist may set homework between sessions.")._.alliance["sentences"][0]
    assert sent["labels"]["tasks"] == 1
    assert sent["evidence"]["tasks"].startswith("model p=")


def test_rules_changed_since_training_is_an_error(tmp_path):
    data = _tiny_prepared()
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    bundle = T.fit_bundle(data, np.arange(len(data.frame)), names[:-1], seed=0)
    with pytest.raises(ValueError, match="different rules"):
        T.AllianceExtractor(T._settings(), None, bundle=bundle)


def test_fast_scorer_matches_sklearn():
    data = _tiny_prepared()
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    idx = np.arange(len(data.frame))
    bundle = T.fit_bundle(data, idx, names, seed=0)
    fast = model_io.FastScorer(bundle)
    assert fast.supported
    texts = [*data.texts, "", "THERAPIST!!! homework?? \x00", "unseen words only here"]
    lemmas = [*data.lemma_texts, "", "therapist homework", "unseen word only here"]
    hits = [*data.hits, [], [], []]
    dense = [model_io.rule_features(h, True, names) for h in hits]
    sparse_rows = [model_io.rule_feature_indices(h, True, fast.rule_index) for h in hits]
    assert [np.flatnonzero(d).tolist() for d in dense] == sparse_rows
    expected = model_io.predict_proba(bundle, texts, dense, lemmas)
    assert np.allclose(fast.proba(texts, lemmas, sparse_rows), expected)
    assert not model_io.FastScorer(T.fit_bundle(data, idx, names, seed=0, char=True)).supported


@pytest.mark.parametrize(
    ("lemmas", "context", "expected"),
    [
        ([], [], ""),
        (["feel", "judge"], [], "feel judge"),
        (["bring", "it", "up"], ["session", "left", "you", "judge", "."], "bring it up "
         "ctx:session ctx:left ctx:judge"),
        (["x"], ["\x00\x00\x00\x00", "1234", "ok"], "x"),
        # a label whose rules fired on the neighbour is kept whatever its length
        (["step", "two"], ["cue_tasks", "be"], "step two ctx:cue_tasks"),
    ],
)
def test_lemma_text(lemmas, context, expected):
    assert model_io.lemma_text(lemmas, context) == expected


FRAME = {"therapist", "client"}


@pytest.mark.parametrize(
    ("lemmas", "window", "expected"),
    [
        ([], 3, []),
        (["my", "therapist", "judge", "me", "harshly"], 2, ["judge"]),
        (["my", "therapist", "judge", "me", "harshly"], 3, ["judge", "harshly"]),
        (["my", "therapist", "judge", "me", "harshly"], 0, []),
        (["walk", "with", "a", "friend", "every", "morning"], 3, []),  # no frame word
        (["client", "\x00\x00\x00\x00", "1234", "therapist"], 3, []),  # no content words
        (["trust", "the", "therapist", "and", "the", "client", "more"], 1, ["more"]),
    ],
)
def test_frame_near(lemmas, window, expected):
    assert model_io.frame_near(lemmas, FRAME, window) == expected


def test_lemma_text_marks_near_words():
    assert model_io.lemma_text(["feel", "judge"], ["session"], ["judge"]) == (
        "feel judge ctx:session near:judge")
    assert model_io.lemma_text([], [], ["trust"]) == "near:trust"


@pytest.mark.parametrize(
    ("lemmas", "n", "expected"),
    [
        ([], 3, []),
        (["cbt", "teach", "client", "to", "notice"], 3, ["cbt", "teach", "client"]),
        ([",", "your", "therapist", "may", "ask"], 2, ["your", "therapist"]),  # words only
        (["1.", "-", "homework"], 3, ["homework"]),
        (["our", "therapist", "be"], 0, []),
    ],
)
def test_head_words(lemmas, n, expected):
    assert model_io.head_words(lemmas, n) == expected


def test_lemma_text_marks_head_words():
    assert model_io.lemma_text(["cbt", "teach"], [], [], ["cbt", "teach"]) == (
        "cbt teach head:cbt head:teach")


def test_head_words_reach_the_component():
    """The component builds the same ``head:`` words as training: its probability of a
    training sentence equals the training-side prediction of that row."""
    data = _tiny_prepared()
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    idx = np.arange(len(data.frame))
    bundle = T.fit_bundle(data, idx, names, seed=0, head_words=3)
    assert bundle["head_words"] == 3
    assert any(t.startswith("head:") for t in bundle["lemma"].vocabulary_)
    bundle.update(thresholds=dict.fromkeys(LABELS, 0.5), combine="model")
    nlp = T._blank_nlp()
    ex = T.AllianceExtractor(T._settings(), nlp.vocab, bundle=bundle, tokenizer=nlp.tokenizer)
    recs = ex.sentence_records(nlp(data.texts[2]), None)
    ex.score(recs)
    expected = T.predict(bundle, data, idx[2:3])[0]
    assert [recs[0]["proba"][lab] for lab in LABELS] == pytest.approx(expected.tolist(), abs=1e-9)
    without = T.fit_bundle(data, idx, names, seed=0)
    assert not np.allclose(T.predict(without, data, idx[2:3])[0], expected)


def test_hard_negatives_weigh_more():
    """A hard negative (``kind`` in the note) weighs ``hard_negative_weight`` in the fit: its
    label's probability falls when it counts more."""
    data = _tiny_prepared()
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    idx = np.arange(len(data.frame))
    data.frame["note"] = ""
    data.frame.loc[3, ["rupture_repair", "note"]] = [0, "other_relationship"]
    lo = T.predict(T.fit_bundle(data, idx, names, seed=0), data, idx[3:4])[0, 3]
    hi = T.predict(T.fit_bundle(data, idx, names, seed=0, hard_negative_weight=5.0), data,
                   idx[3:4])[0, 3]
    assert hi < lo


def test_page_context():
    p = np.array([[0.2, 0, 0, 0], [0.4, 0, 0, 0], [0.9, 0, 0, 0]])
    prev, nxt, page = model_io.page_context(p)
    assert prev[:, 0].tolist() == [0.0, 0.2, 0.4]
    assert nxt[:, 0].tolist() == [0.4, 0.9, 0.0]
    assert page[:, 0] == pytest.approx([0.5, 0.5, 0.5])
    assert all(len(a) == 0 for a in model_io.page_context(np.zeros((0, 4))))


def test_stage2_inputs_order():
    p = np.array([[0.5, 0.3, 0.1, 0.7]])
    x = model_io.stage2_inputs(p, np.array([[0.2, 0, 0, 0]]), np.array([[0.6, 0, 0, 0]]),
                               np.array([[0.25, 0, 0, 0]]), 0)
    assert x[0].tolist() == pytest.approx([0.0, 0.6, 0.25, 0.7])  # logit(0.5) = 0
    assert len(model_io.STAGE2_INPUTS) == x.shape[1]


def test_neighbour_rows_touch_within_a_document():
    frame = pd.DataFrame({"group": ["a", "a", "a", "b"], "start": [0, 11, 60, 12],
                          "end": [10, 50, 70, 20]})
    data = T.Prepared(frame=frame, texts=[], lemma_texts=[], context_texts=[], near_texts=[],
                      hits=[], role=np.array([]), candidate=np.array([]),
                      rule_labels=np.zeros((4, 4)))
    prev, nxt = T.neighbour_rows(data, np.arange(4), gap=4)
    assert prev.tolist() == [-1, 0, -1, -1]   # 50 -> 60 is a gap; b is another document
    assert nxt.tolist() == [1, -1, -1, -1]
    prev, nxt = T.neighbour_rows(data, np.array([1, 0]), gap=4)  # positions within idx
    assert prev.tolist() == [1, -1] and nxt.tolist() == [-1, 0]


def test_stage2_reaches_the_component():
    """The component's second stage equals training's on the same rows, and several pages
    scored in one batch read each page on its own."""
    data = _tiny_prepared()
    data.frame["group"] = [f"p{k}" for k in range(len(data.frame))]  # one-sentence pages
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    idx = np.arange(len(data.frame))
    bundle = T.fit_bundle(data, idx, names, seed=0)
    first = T.predict(bundle, data, idx)
    bundle["stage2"], thr = T.stage2_thresholds(data, idx, first, "union", seed=0)
    assert len(bundle["stage2"]["coef"]) == len(LABELS) and thr.shape == (len(LABELS),)
    import json
    assert json.loads(json.dumps(bundle["stage2"])) == bundle["stage2"]  # compact form: JSON
    final = T.predict_final(bundle, data, idx)
    assert not np.allclose(final, first)
    bundle.update(thresholds=dict.fromkeys(LABELS, 0.5), combine="model")
    nlp = T._blank_nlp()
    ex = T.AllianceExtractor(T._settings(), nlp.vocab, bundle=bundle, tokenizer=nlp.tokenizer)
    one = ex.sentence_records(nlp(data.texts[2]), None)
    two = ex.sentence_records(nlp(data.texts[5]), None)
    ex.score(one + two)  # two one-sentence pages in a row, as the component batches them
    assert [one[0]["proba"][lab] for lab in LABELS] == pytest.approx(final[2].tolist(), abs=1e-9)
    assert [two[0]["proba"][lab] for lab in LABELS] == pytest.approx(final[5].tolist(), abs=1e-9)
    page = ex.sentence_records(nlp(data.texts[2] + " " + data.texts[5]), None)
    ex.score(page)  # one page of both: the neighbour and the page mean change the second stage
    assert [page[0]["proba"][lab] for lab in LABELS] != pytest.approx(final[2].tolist(), abs=1e-6)


def test_frame_window_needs_context():
    data = _tiny_prepared()
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    with pytest.raises(ValueError, match="context"):
        T.fit_bundle(data, np.arange(len(data.frame)), names, seed=0, context=False)


def test_add_extra_documents(tmp_path, monkeypatch):
    """Our own passages join the labelled frame, each sentence analysed within its passage."""
    from pipeline.alliance.extract import AllianceExtractor
    from workbench.realweb.alliance_data import OWN_PATH

    monkeypatch.delenv("REALWEB", raising=False)
    path = tmp_path / OWN_PATH
    path.parent.mkdir(parents=True)
    path.write_text("doc,text,bond,goals,tasks,rupture_repair,kind\n"
                    "a,My counsellor said something harsh.,0,0,0,1,positive\n"
                    "a,I left upset.,0,0,0,1,positive\n", encoding="utf-8")
    nlp = T._blank_nlp()
    ex = AllianceExtractor(T._settings(combine="rules"), nlp.vocab, tokenizer=nlp.tokenizer)
    empty = pd.DataFrame(columns=["text", "origin", "doc", "group", "start", "end", *LABELS, "note"])
    df, recs = T.add_extra_documents(empty, [], ex, nlp, tmp_path)
    assert df["text"].tolist() == ["My counsellor said something harsh.", "I left upset."]
    assert df["group"].tolist() == ["own:a", "own:a"]
    assert [r["gate"] for r in recs] == [True, True]  # the neighbour names the counsellor
    assert T.add_extra_documents(empty, [], ex, nlp, tmp_path / "none")[0].empty


def test_page_records_use_the_page_neighbours():
    """A labelled sentence is analysed among all the page's sentences: its neighbour is the
    unlabelled sentence beside it on the page, not the next labelled one."""
    from pipeline.alliance.extract import AllianceExtractor

    text = ("I met my counsellor in May. The garden was full of roses. "
            "Lunch was late that day. The kettle broke again. I left upset.")
    first, last = (0, 27), (text.index("I left"), len(text))
    nlp = T._blank_nlp()
    ex = AllianceExtractor(T._settings(combine="rules"), nlp.vocab, tokenizer=nlp.tokenizer)
    alone = ex.sentence_records(nlp(text), None, [first, last])
    on_page = T.page_records(ex, nlp, text, [first, last])
    assert [r["text"] for r in on_page] == ["I met my counsellor in May.", "I left upset."]
    assert alone[1]["gate"] and "counsellor" in alone[1]["context"]
    assert not on_page[1]["gate"]  # the counsellor is four sentences away on the page
    assert "kettle" in on_page[1]["context"] and "counsellor" not in on_page[1]["context"]


def test_predict_leaves_closed_labels_at_zero():
    """A sentence open for tasks alone (a child or couple sentence beside a therapist) gets no
    bond, goals or rupture_repair probability, as in the component."""
    data = _tiny_prepared()
    names = T.AllianceExtractor(T._settings(), None).rules.rule_names
    idx = np.arange(len(data.frame))
    bundle = T.fit_bundle(data, idx, names, seed=0)
    full = T.predict(bundle, data, idx)
    data.open_labels = np.ones((len(idx), len(LABELS)), dtype=bool)
    data.open_labels[0] = [lab == "tasks" for lab in LABELS]
    masked = T.predict(bundle, data, idx)
    assert masked[0].tolist() == [0.0 if lab != "tasks" else full[0, j]
                                  for j, lab in enumerate(LABELS)]
    assert np.allclose(masked[1:], full[1:])
    assert full[0].max() > 0


def test_neighbour_rule_labels_reach_the_context():
    ex = T.AllianceExtractor(T._settings(combine="rules"), None)
    nlp = T._blank_nlp()
    recs = ex.sentence_records(nlp("Your counsellor sets homework. Step two is a short walk."), None)
    assert f"{model_io.CUE_PREFIX}tasks" in recs[1]["context"]
    assert not any(w.startswith(model_io.CUE_PREFIX) for w in recs[0]["context"])


def test_recall_ceiling_counts_tasks_only_rows_for_tasks():
    data = _tiny_prepared()
    assert T.recall_ceiling(data) == dict.fromkeys(LABELS, 1.0)
    data.open_labels = np.ones((len(data.frame), len(LABELS)), dtype=bool)
    data.open_labels[:, 0] = False  # no sentence open for bond
    got = T.recall_ceiling(data)
    assert got["bond"] == 0.0 and got["tasks"] == 1.0
