"""The spin tests' reference fixture, for the workbench's top-level tests."""

from tests.spin.conftest import ref  # noqa: F401
