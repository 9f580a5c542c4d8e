"""The spin tests' fixtures, for the offline spin code."""

from tests.spin.conftest import detector, ref, shared  # noqa: F401
