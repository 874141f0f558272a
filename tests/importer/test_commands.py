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
    assert "Imported 2 files" in out
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


def test_bombs_and_deep_json_are_command_errors_not_tracebacks(tmp_path):
    from tests.importer.test_limits import alias_bomb

    (tmp_path / "bomb.md").write_text(alias_bomb(8), encoding="utf-8")
    deep = '{"format": "kbsite-export", "issues": ' + "[" * 300_000 + "]" * 300_000 + "}"
    (tmp_path / "deep.json").write_text(deep, encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_kb", str(tmp_path), verbosity=0)
    message = str(excinfo.value)
    assert message.startswith("2 of 2 files refused, nothing written from them:")
    assert "bomb.md: YAML aliases (*a0) are not accepted" in message
    assert "deep.json: the JSON nests 300001 levels deep" in message


def test_size_limit_applies_on_the_command_line(tmp_path, settings, capsys):
    big = tmp_path / "big.txt"
    big.write_bytes(FAQ.read_bytes() * 3)
    with pytest.raises(CommandError, match=r"big\.txt: the file is \d+ KB, larger than .* 10 KB"):
        call_command("import_kb", str(big), product="x", max_bytes=10 * 1024)
    settings.KB_IMPORT_MAX_BYTES = 10 * 1024
    with pytest.raises(CommandError, match="KB_IMPORT_MAX_BYTES"):
        call_command("import_kb", str(big), product="x")
    assert not Issue.objects.exists()


def test_a_refused_file_is_reported_and_the_others_are_imported(tmp_path, capsys):
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text("---\ntitle: 好的\nproduct: p\n---\n## 问题现象\n\n- x\n", encoding="utf-8")
    bad.write_text("---\ntitle: 坏的\nproduct: 5\n---\n## 问题现象\n\n- x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("import_kb", str(good), str(bad), create_products=True)
    out = capsys.readouterr().out
    assert "bad.md: refused, nothing written from this file" in out
    assert "error: bad.md: “product:” must be text, not the number 5" in out
    assert "Imported 1 file:" in out
    assert list(Issue.objects.values_list("title", flat=True)) == ["好的"]


def test_dry_run_reports_a_slug_takeover(tmp_path, capsys):
    from issues.models import Product

    product = Product.objects.create(slug="p", name="P")
    Issue.objects.create(product=product, title="别人的", slug="taken")
    mine = tmp_path / "mine.md"
    mine.write_text("---\ntitle: 我的\nslug: taken\nproduct: p\n---\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--update-existing"):
        call_command("import_kb", str(mine), dry_run=True)
    assert "slug “taken” is the existing entry “别人的”" in capsys.readouterr().out
    call_command("import_kb", str(mine), dry_run=True, update_existing=True)
    assert "updating it as asked" in capsys.readouterr().out
    assert Issue.objects.get().title == "别人的"
