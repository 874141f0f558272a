"""Fixtures for the production tests: static files collected once, as `make serve` does."""

import pytest

from tests.prod.servers import manage, production_env


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Hashed, compressed static files in a throwaway STATIC_ROOT (never the project's)."""
    root = tmp_path_factory.mktemp("staticfiles")
    manage(
        "collectstatic", "--noinput", "--verbosity", "0", env=production_env(STATIC_ROOT=str(root))
    )
    return root
