from pathlib import Path

import pytest
from django.utils import translation

DATA = Path(__file__).resolve().parents[1] / "data"
FAQ = DATA / "000_b13080b74be439e1.txt"
GUIDE = DATA / "004_9b5b1c46d8420441.txt"


@pytest.fixture
def faq_bytes() -> bytes:
    return FAQ.read_bytes()


@pytest.fixture
def guide_bytes() -> bytes:
    return GUIDE.read_bytes()


@pytest.fixture(autouse=True)
def english_reports():
    """Import messages follow the active language (the admin shows them in Chinese);
    these tests read the English ones unless they say otherwise."""
    with translation.override("en"):
        yield
