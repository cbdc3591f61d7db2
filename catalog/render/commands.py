"""The two commands that set up and test a checkout, kept in one place.

README.md's footer renders them, CONTRIBUTING.md quotes them and .ci/run runs the second:
a test compares all three against these constants so they cannot drift apart.
"""

from __future__ import annotations

SETUP_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"
    " && npm ci && .venv/bin/catalog build"
)
TEST_COMMAND = ".venv/bin/python -m pytest"
