"""Real-browser tests: Playwright for Python driving Debian's Chromium.

Playwright's own browser download needs the internet, so the tests use the system
Chromium at /usr/bin/chromium (`make browser` installs it with apt-get when run as
root). Without it the tests are skipped with the reason, except under CI=true,
where a missing browser is a failure: CI must not go green without them.
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a headless, offline machine: no sandbox (root in CI), no GPU, and none of
# Chromium's background calls home, which the closed network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# `make test` runs the browser tests on SQLite and on PostgreSQL at the same time (in
# lanes, KB_TEST_LANE): each database's screenshots go to test-artifacts/<database>/.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
if os.environ.get("KB_TEST_LANE"):
    postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    ARTIFACTS /= "postgres" if postgres else "sqlite"


def _missing_reason() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -r requirements-dev.txt)."
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        return "Chromium is not installed at /usr/bin/chromium (run `make browser` as root)."
    return None


@contextmanager
def sync_orm_allowed():
    """Playwright's sync API runs an event loop in this thread, while the ORM calls the
    tests make for their data stay plain synchronous calls. Allowed only while this
    module's browser runs: the variable must not leak into other tests (nor into a
    deployment check one of them runs)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Module scope: one Chromium per test module, and the ORM allowance ends with it.
@pytest.fixture(scope="module")
def browser():
    reason = _missing_reason()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires the browser tests: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_orm_allowed(), sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the tests inject axe-core; the site itself sends a strict CSP.
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        bypass_csp=True,
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# Every journey runs as a person on a phone and on a desktop, in both interface languages.
JOURNEY_WIDTHS = {390: 844, 1280: 900}
JOURNEY_LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}


class Journey:
    """One person's browser for a journey test: a page, its language and width, and
    `shot(step)`, which saves a full-page screenshot per step for a person to look at
    (test-artifacts/[<database>/]journeys/<test>/<language>-<width>-<nn>-<step>.png,
    git-ignored)."""

    def __init__(self, page, *, language: str, width: int, folder: Path):
        self.page = page
        self.language = language
        self.width = width
        self.folder = folder
        self.steps = 0

    @property
    def is_phone(self) -> bool:
        return self.width < 600

    def text(self, zh: str, en: str) -> str:
        """What the interface says in this journey's language."""
        return zh if self.language == "zh-hans" else en

    def shot(self, step: str) -> Path:
        self.steps += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.language}-{self.width}-{self.steps:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@contextmanager
def open_journey(browser, live_server, folder: Path, *, language: str, width: int, timeout=10_000):
    """A new browser context in ``language`` at ``width``, the language cookie set as the
    site's switcher sets it; closed when the journey ends."""
    context = browser.new_context(
        base_url=live_server.url,
        locale=JOURNEY_LANGUAGES[language],
        viewport={"width": width, "height": JOURNEY_WIDTHS[width]},
        is_mobile=width < 600,
        has_touch=width < 600,
    )
    host = live_server.url.split("//", 1)[1].split(":", 1)[0]
    context.add_cookies(
        [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    page.set_default_timeout(timeout)
    try:
        yield Journey(page, language=language, width=width, folder=folder)
    finally:
        context.close()


@pytest.fixture(
    params=[(lang, width) for lang in JOURNEY_LANGUAGES for width in JOURNEY_WIDTHS],
    ids=lambda param: f"{param[0]}-{param[1]}",
)
def journey(request, browser, live_server, artifacts_dir):
    """A browser in one language at one width; the test runs at 390 and 1280 wide, in
    zh-hans and en."""
    language, width = request.param
    folder = artifacts_dir / "journeys" / request.node.originalname
    with open_journey(browser, live_server, folder, language=language, width=width) as journey:
        yield journey
