"""The alliance tests' pipeline fixture, for the training tests."""

from tests.alliance.conftest import alliance_nlp  # noqa: F401
