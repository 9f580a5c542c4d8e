"""The rule layer on single sentences: (sentence, expected labels).

The sentence is analysed alone, so the therapy gate must come from the sentence itself.
"""

from __future__ import annotations

import pytest

from pipeline.alliance.rules import LABELS, gate

CASES = [
    # bond
    ("After a few sessions I finally felt understood by my counsellor.", {"bond"}),
    ("A good therapist never makes a client feel unheard.", {"bond"}),  # negation still counts
    ("Mutual depend on between the specialist and the consumer grows slowly.", {"bond"}),  # spun
    ("Ask the clinic whether your therapist accepts your insurance card.", set()),
    ("Learning to trust your partner again after an affair takes time.", set()),
    # goals
    ("Your counsellor will ask what your main goals for therapy are.", {"goals"}),
    ("The consumer and specialist should lend a hand in regards to the targets of remedy.",
     {"goals"}),  # spun "agree about the goals of therapy"
    ("Write your fitness goals on a sticky note by the mirror.", set()),
    # tasks
    ("Your therapist may suggest homework such as tracking your moods between sessions.",
     {"tasks"}),
    ("A good clinician explains why each exposure step is part of the treatment.", {"tasks"}),
    ("Take a brisk walk and breathe slowly when you feel tense.", set()),
    ("Call the office before noon if you need to move an appointment.", set()),
    # rupture_repair
    ("Good clinicians apologise when they get something wrong with a client.",
     {"rupture_repair"}),
    ("If a remark in session felt dismissive, raise it with your therapist next time.",
     {"rupture_repair"}),
    ("Clients who stop going to therapy often felt unheard by their counsellor.",
     {"bond", "rupture_repair"}),
    ("Therapy can bring up painful memories from childhood.", set()),
    ("After an argument with your teenager, give both of you time to cool down.", set()),
    # no component named
    ("Research shows that the therapeutic relationship predicts how well therapy works.", set()),
    # the therapy gate of the client-therapist frame (issue 15)
    ("You can meet your therapist from the comfort of your own home.", set()),  # a service
    ("Online therapy has become a powerful approach for busy people.", set()),  # generic word
    ("Trust matters a great deal in therapy.", set()),  # one generic word, no frame
    ("Trust, warmth and safety matter a great deal in therapy.", {"bond"}),  # a second cue
    ("Clients need to trust their counsellor.", {"bond"}),  # the frame in the sentence
    ("Family therapy can calm conflict at home.", set()),
    ("It is also a way to practise repairing conflicts outside of the therapy room.", set()),
    ("The goals of therapy are yours to set.", {"goals"}),
    ("Give feedback to your therapist when a session felt off.", {"rupture_repair"}),
    ("After the session she ran out of my office in tears.", {"rupture_repair"}),
    ("Ask whether the pacing of the sessions suits you.", {"tasks"}),
    # exclusions (issue 15 item 3): a feared rupture that is ruled out, "toward this goal",
    # "like a task"; "any kind of ... relationship" is another relationship
    ("With your therapist you can speak freely, without fear of being judged or misunderstood.",
     set()),
    ("Clients with their counsellor are free of judgement, without the fear of being criticised.",
     set()),
    ("If you feel criticised by your therapist, tell them.", {"rupture_repair"}),
    ("Toward this goal, the therapist teaches one listening skill in the first session.",
     {"tasks"}),
    ("Therapy with a good counsellor feels less like a task and more like support.", set()),
    ("Your therapist may set a task between sessions.", {"tasks"}),
    ("Rupture and repair is normal in any kind of healthy long-term relationship.", set()),
    # exclusions from the full-page dev labels (issue 15): the counsellor's own burnout, an idiom,
    # a conflict inside the client's mind
    ("Many counsellors suffer compassion fatigue after years of trauma work.", set()),
    ("Clients say therapy was worth it, but make no mistake, the fees add up.", set()),
    ("The therapist interprets dreams to uncover the client's unconscious conflict.", set()),
    ("Clients who voice a conflict with their therapist often stay longer.", {"rupture_repair"}),
    # tasks: work between sessions, the therapist teaching how to do something
    ("Your counsellor may ask you to practise the breathing between sessions.", {"tasks"}),
    ("Early on, the counsellor teaches the client ways to slow an anxious breath.", {"tasks"}),
    ("Parents teach children how to share toys.", set()),
    # degenerate input
    ("", set()),
    ("\x00\ufeff<script>alert('trust')</script>{{{|||}}}" * 20, set()),
    ("therapist " * 500, set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentence_labels(rules_nlp, text, expected):
    doc = rules_nlp(text)
    result = doc._.alliance
    got = {lab for s in result["sentences"] for lab, v in s["labels"].items() if v}
    assert got == expected
    for s in result["sentences"]:
        for lab, v in s["labels"].items():
            if v:
                assert s["evidence"][lab].startswith("rule ")
    assert sum(result["counts"].values()) == sum(
        v for s in result["sentences"] for v in s["labels"].values()
    )


@pytest.mark.parametrize(
    ("role", "other", "window", "strict", "expected"),
    [
        ([], [], 1, True, []),
        ([True, False, False], [False, False, False], 1, True, [True, True, False]),
        ([True, False, False], [False, True, False], 1, True, [True, False, False]),
        ([True, False, False], [False, True, False], 1, False, [True, True, False]),
        ([False, False, True], [False, False, False], 2, True, [True, True, True]),
    ],
)
def test_gate(role, other, window, strict, expected):
    assert gate(role, other, window, strict) == expected


@pytest.mark.parametrize(
    ("role", "other", "frame", "veto", "expected"),
    [
        ([], [], [], [], []),
        # another relationship passes only with a therapist/client in the same sentence
        ([True, True], [True, True], [False, True], [False, False], [False, True]),
        # a service sentence ("from the comfort of home") is closed whatever it names
        ([True, False], [False, False], [True, False], [True, False], [False, True]),
    ],
)
def test_gate_frame_and_veto(role, other, frame, veto, expected):
    assert gate(role, other, 1, True, frame, veto) == expected


def test_frame_filter():
    from pipeline.alliance.rules import Hit, RuleLayer
    from pipeline.config import AllianceSettings

    layer = RuleLayer(AllianceSettings.of(None))
    trust = Hit("bond", "trust", 0, 1, "trust")
    safety = Hit("bond", "safety", 2, 3, "safety")
    overlapping = Hit("bond", "safety", 0, 1, "trust")
    comfort = Hit("bond", "comfortable", 5, 6, "comfort")
    strong = Hit("bond", "feel_heard", 4, 6, "feel heard")
    assert layer.frame_filter([trust], framed=False) == []
    assert layer.frame_filter([trust], framed=True) == [trust]
    assert layer.frame_filter([trust, safety], framed=False) == [trust, safety]
    assert layer.frame_filter([trust, overlapping], framed=False) == []
    assert layer.frame_filter([trust, strong], framed=False) == [trust, strong]
    assert layer.frame_filter([comfort, trust, safety], framed=False) == [trust, safety]
    assert layer.frame_filter([], framed=False) == []


def test_repair_needs_the_frame_nearby(rules_nlp):
    alone = rules_nlp("It is in the repair that the real work happens.")
    assert not any(s["labels"]["rupture_repair"] for s in alone._.alliance["sentences"])
    doc = rules_nlp("A strain with your therapist is normal. "
                    "It is in the repair that the real work happens.")
    assert doc._.alliance["sentences"][1]["labels"]["rupture_repair"] == 1


def test_neighbour_lends_context(rules_nlp):
    doc = rules_nlp("Tell your counsellor early. It matters that you feel safe enough to be honest.")
    labels = [s["labels"] for s in doc._.alliance["sentences"]]
    assert labels[1]["bond"] == 1


def test_partner_sentence_next_to_therapist_does_not_count(rules_nlp):
    doc = rules_nlp("My therapist is kind. My husband and I never feel safe after a fight.")
    assert doc._.alliance["sentences"][1]["labels"] == dict.fromkeys(LABELS, 0)


# Feature-only rules (patterns.json "feature_only"): weak generic cues are classifier features
# and never set a label by themselves, even inside the client-therapist frame.
FEATURE_ONLY_CASES = [
    ("Your therapist's approach may differ from what you expected.", set()),
    ("Being honest with your counsellor can feel uncomfortable at first.", set()),
    ("Your therapist will write a treatment plan.", set()),
    ("Therapists should adapt treatment to the client.", set()),
    ("Your therapist may suggest homework such as tracking your moods between sessions.",
     {"tasks"}),  # a strong cue still labels
    ("My sister and I argued for weeks before we made up.", set()),
    ("Choosing a new counsellor in another town takes some searching.", set()),  # no bond yet
    ("", set()),
]


def _labels(nlp, text: str) -> set[str]:
    """Every label any sentence of ``text`` gets."""
    return {lab for s in nlp(text)._.alliance["sentences"] for lab, v in s["labels"].items() if v}


@pytest.mark.parametrize(("text", "expected"), FEATURE_ONLY_CASES)
def test_feature_only_rules_never_label_alone(rules_nlp, text, expected):
    assert _labels(rules_nlp, text) == expected


def test_feature_only_rules_still_reach_the_classifier():
    from pipeline.alliance.rules import Hit, RuleLayer, evidence_text
    from pipeline.config import AllianceSettings

    layer = RuleLayer(AllianceSettings.of(None))
    assert "tasks|approach" in layer.feature_only
    assert layer.feature_only <= set(layer.rule_names)  # every name is a rule (a feature)
    approach = Hit("tasks", "approach", 0, 1, "approach")
    assert evidence_text([approach], layer.feature_only) == {}
    assert evidence_text([approach]) == {"tasks": "rule approach: approach"}
    assert evidence_text([], layer.feature_only) == {}


def test_any_kind_of_relationship_is_another_relationship(rules_nlp):
    # "any kind of healthy long-term relationship": the hyphenated word splits into three
    # tokens; the other_frame pattern still closes the gate the therapist sentence opened.
    doc = rules_nlp("Your therapist is only human. "
                    "Rupture and repair happen in any kind of healthy long-term relationship.")
    assert doc._.alliance["sentences"][1]["labels"] == dict.fromkeys(LABELS, 0)


# Tasks in the words that describe the sessions (issue 15 item 3: tasks missed on new pages).
TASKS_CASES = [
    # the therapist's part in a session, named with a modal ("will", "may also" ...)
    ("Your counsellor will check the mood chart and adjust the plan.", {"tasks"}),
    ("The therapist may also guide you through a slow count to ten.", {"tasks"}),
    ("You will be coached to notice the first sign of panic.", {"tasks"}),
    ("A psychiatrist can prescribe medication, while a counsellor cannot.", set()),
    # homework done at home is a task, not therapy offered as a service
    ("Your counsellor may hand you a worksheet for the privacy of your own room.",
     {"tasks"}),
    ("You can meet your therapist from the comfort of your own home.", set()),
    # session numbers and "together" are features only
    ("Session 2: the counsellor and you meet again.", set()),
    ("Therapists and clients work together.", set()),
]


@pytest.mark.parametrize(("text", "expected"), TASKS_CASES)
def test_tasks_session_wording(rules_nlp, text, expected):
    assert _labels(rules_nlp, text) == expected


def test_child_or_couple_sentence_beside_a_therapist_is_open_for_tasks_only(rules_nlp):
    text = ("In play therapy the counsellor sets up the room. "
            "The child practises a calming exercise and learns to trust the puppet.")
    sent = rules_nlp(text)._.alliance["sentences"][1]
    assert sent["labels"] == {**dict.fromkeys(LABELS, 0), "tasks": 1}
    # alone, with no therapy role beside it, the child sentence stays closed
    alone = rules_nlp("The child practises a calming exercise and learns to trust the puppet.")
    assert alone._.alliance["sentences"][0]["labels"] == dict.fromkeys(LABELS, 0)


def test_other_relation_tasks_gate_can_be_switched_off(alliance_nlp):
    nlp = alliance_nlp(model="", combine="rules", other_relation_tasks_gate=False)
    doc = nlp("In play therapy the counsellor sets up the room. "
              "The child practises a calming exercise with the puppet.")
    assert doc._.alliance["sentences"][1]["labels"] == dict.fromkeys(LABELS, 0)
