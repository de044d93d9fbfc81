"""Fixtures shared by the whole suite: the reference data folder and the PostgreSQL server.

Tests that need ../shared/data take the ``shared_data`` fixture. Without the folder they skip
with a reason; with ``OSLER_REQUIRE_SHARED=1`` (CI) they fail instead, so CI cannot go green by
skipping them. PostgreSQL tests behave the same way under ``CI=true``.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs property tests on a fixed sequence of examples, so that a build is red only because
# the code changed; anywhere else each run explores new examples. A counterexample found
# locally belongs in a plain test of its own (see test_deid_patient.py).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

SHARED_DATA = Path(os.environ.get("OSLER_SHARED_DATA",
                                  Path(__file__).resolve().parents[2] / "shared" / "data"))
POSTGRES_URL = os.environ.get("OSLER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _require_shared() -> bool:
    return os.environ.get("OSLER_REQUIRE_SHARED") == "1"


def _absent(reason: str, required: bool) -> None:
    if required:
        pytest.fail(f"{reason}, and it is required here", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of the read-only reference data sets (../shared/data)."""
    if not (SHARED_DATA / "README.md").is_file():
        _absent(f"reference data not found at {SHARED_DATA}", _require_shared())
    return SHARED_DATA


def _postgres_available() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'osler[postgres]')"
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except Exception as exc:  # any connection failure means: no server here
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """URL of the real PostgreSQL server; skips without one, fails when CI=true."""
    problem = _postgres_available()
    if problem:
        _absent(problem, os.environ.get("CI") == "true" or _require_shared())
    return POSTGRES_URL


@pytest.fixture()
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the real server, dropped after the test."""
    import psycopg

    name = f"osler_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = postgres_server.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
