import pytest
from django.core.management import CommandError, call_command

from issues.models import Issue
from tests.importer.conftest import FAQ, GUIDE

pytestmark = pytest.mark.django_db


def test_import_reports_per_file_and_shows_progress(capsys):
    call_command("import_kb", str(FAQ), str(GUIDE), product="mobile-platform", create_products=True)
    out, err = capsys.readouterr()
    assert "000_b13080b74be439e1.txt (plain, UTF-8)" in out
    assert "recognised: section 7" in out
    assert "kept as free text: document: 原创声明" in out
    assert "created issue" in out
    assert "Imported 2 file(s)" in out
    assert "[###############---------------] 1/2 000_b13080b74be439e1.txt" in err
    assert "2/2 004_9b5b1c46d8420441.txt" in err


def test_dry_run_prints_changes_and_writes_nothing(capsys):
    call_command(
        "import_kb", str(FAQ), product="mobile-platform", create_products=True, dry_run=True
    )
    out = capsys.readouterr().out
    assert "created issue" in out
    assert "Dry run, nothing written." in out
    assert not Issue.objects.exists()


def test_unreadable_encoding_is_a_command_error(tmp_path):
    bad = tmp_path / "faq.txt"
    bad.write_bytes(FAQ.read_text("utf-8").encode("utf-16"))
    with pytest.raises(CommandError, match="Accepted encodings are UTF-8, UTF-8 with BOM, GB18030"):
        call_command("import_kb", str(bad), product="mobile-platform", create_products=True)


def test_gb18030_document_imports_like_utf8(tmp_path):
    legacy = tmp_path / FAQ.name
    legacy.write_bytes(FAQ.read_text("utf-8").encode("gb18030"))
    call_command(
        "import_kb", str(legacy), product="mobile-platform", create_products=True, verbosity=0
    )
    assert (
        Issue.objects.get(source=f"{FAQ.name}#9").title
        == "打开iOS客户端提示“未受信任的企业开发者证书”"
    )


def test_missing_product_and_missing_file_are_command_errors(tmp_path):
    with pytest.raises(CommandError, match="no product given"):
        call_command("import_kb", str(FAQ))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_kb", str(tmp_path / "nope.txt"), product="x")


def test_broken_front_matter_is_a_command_error(tmp_path):
    broken = tmp_path / "entry.md"
    broken.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"entry\.md: the front matter is not valid YAML"):
        call_command("import_kb", str(broken))


def test_export_writes_the_requested_format(tmp_path, capsys):
    call_command("import_kb", str(GUIDE), product="meeting-sdk", create_products=True, verbosity=0)
    call_command("export_kb", str(tmp_path), format="markdown")
    assert "Wrote 10 file(s)" in capsys.readouterr().out
    assert (tmp_path / "meeting-sdk" / "codes" / "code_-1019.md").exists()


def test_user_option_records_the_import_under_that_account(django_user_model):
    editor = django_user_model.objects.create_user("importer-editor")
    call_command(
        "import_kb",
        str(FAQ),
        product="mobile-platform",
        create_products=True,
        user="importer-editor",
    )
    issue = Issue.objects.first()
    revision = issue.history.first()
    assert revision.history_user == editor
    assert revision.history_change_reason.startswith("import:")


def test_unknown_user_is_a_command_error_before_anything_is_written():
    with pytest.raises(CommandError, match="No user named"):
        call_command(
            "import_kb", str(FAQ), product="mobile-platform", create_products=True, user="nobody"
        )
    assert not Issue.objects.exists()
