"""Tiny texts we wrote, shared by the quality tests."""

# A clean paragraph: enough words, stop words and sentences to pass every rule.
CLEAN = (
    "When you start therapy, the first meetings are about getting to know each other. "
    "Your therapist will ask what brought you in and what you hope to change. "
    "It is normal to feel nervous at the start, and it helps to say so out loud. "
    "Over the next sessions you and your therapist agree on goals and on the work that leads there. "
    "If something in a session bothers you, tell your therapist, because repairing a strain is part of the work. "
    "Many people find that this honest talk makes the relationship stronger than before."
)
