"""axe-core on the public pages, light and dark: no serious or critical violations."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PAGES = [
    "/",
    "/issues/ios-mdm-certificate-install-fails/",
    "/issues/sdk-login-network-troubleshooting/",
    "/codes/",
    "/codes/meeting-sdk/-1002/",
    "/no-such-page/",
]


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_public_pages_have_no_serious_accessibility_violations(page, shipped_content, color_scheme):
    page.emulate_media(color_scheme=color_scheme)
    problems = {}
    for path in PAGES:
        page.goto(path)
        found = serious_violations(page)
        if found:
            problems[path] = found
    assert problems == {}
