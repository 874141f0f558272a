"""One Chinese term per concept: 复核 for "due for review" (re-verifying a published entry
against the product), 审核 for the editorial review before publishing. The catalogue had
both 待复审 and 待复核 for the first, and 审核 for its admin filter's title."""

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_due_for_review_is_always_fuhe():
    with translation.override("zh-hans"):
        assert _("due for review") == "待复核"
        assert _("Due for review") == "待复核"
        assert _("review") == "复核"  # the due-for-review filter's title
        assert _("review date") == "复核日期"
        assert "复核" in _("All entries due for review")


def test_the_editorial_review_is_shenhe():
    with translation.override("zh-hans"):
        for msgid in ("submit for review", "in review", "Waiting for my review"):
            assert "审核" in _(msgid) and "复核" not in _(msgid)


def test_the_third_spelling_is_gone():
    # msgids are English, so any 复审 is in a translation (continuation lines included).
    assert "复审" not in PO.read_text(encoding="utf-8")
