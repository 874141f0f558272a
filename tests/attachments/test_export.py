"""Issue 13 item 6: export_kb and import_kb carry attachments (a backup restores the images)."""

import pytest
from django.core.management import call_command

from attachments.models import Attachment
from attachments.services import attachment_upload
from issues.models import Fix, Issue
from tests.attachments.conftest import png_bytes
from tests.issues.factories import make_issue

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_a_backup_restores_the_attachments_an_entry_shows(fmt, tmp_path, media_root, editor):
    image = attachment_upload(data=png_bytes(120, 90), name="step.png", alt="步骤", user=editor)
    pdf = attachment_upload(data=PDF, name="guide.pdf", user=editor)
    issue = make_issue(slug="login", title="登录失败")
    Fix.objects.create(issue=issue, position=1, body=f"{image.markdown()}\n\n{pdf.markdown()}")
    stored = {a.key: (media_root / a.file.name).read_bytes() for a in (image, pdf)}

    call_command("export_kb", str(tmp_path / "backup"), format=fmt, verbosity=0)
    Fix.objects.all().delete()
    Issue.objects.all().delete()
    Attachment.objects.all().delete()
    for path in (media_root / "attachments").rglob("*.*"):
        path.unlink()

    call_command("import_kb", str(tmp_path / "backup"), verbosity=0)
    restored = {a.key: a for a in Attachment.objects.all()}
    assert set(restored) == set(stored)
    assert (restored[image.key].alt, restored[image.key].width) == ("步骤", 120)
    for key, data in stored.items():
        assert (media_root / restored[key].file.name).read_bytes() == data
    assert image.markdown() in Issue.objects.get(slug="login").fixes.get().body


def test_an_export_with_a_bad_attachment_is_refused(tmp_path):
    import json

    bad = {"format": "kbsite-export", "attachments": [{"key": "x" * 32, "data": "AAAA"}]}
    (tmp_path / "kb.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(Exception, match="32-digit hexadecimal"):
        call_command("import_kb", str(tmp_path / "kb.json"), verbosity=0)
    assert not Attachment.objects.exists()
