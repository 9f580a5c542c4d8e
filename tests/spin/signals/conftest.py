"""The spin tests' fixtures, for the signal modules."""

from tests.spin.conftest import ref  # noqa: F401
