"""The admin import: bad files get a clear 400 (never a 500), several files and .zip uploads
get a report per file, and a slug takeover needs a second, explicit preview."""

import io
import zipfile
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.models import Issue, Product
from tests.importer.test_limits import alias_bomb

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:issues_issue_import")
COMMIT_URL = reverse("admin:issues_issue_import_commit")


def entry(title="登录失败", **front) -> bytes:
    lines = "\n".join(f"{k}: {v}" for k, v in {"title": title, **front}.items())
    return f"---\n{lines}\n---\n## 问题现象\n\n- {title}\n\n## 解决方法\n\n重新登录。\n".encode()


def post(client, *files, **data):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(IMPORT_URL, {"document": uploads, **data})


@pytest.fixture
def sdk():
    return Product.objects.create(slug="meeting-sdk", name="腾讯会议 SDK")


def test_an_alias_bomb_is_a_clear_400_not_a_timeout(editor_client):
    response = post(editor_client, ("bomb.md", alias_bomb(8).encode()))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    # In the editor's language (zh-hans by default).
    assert "bomb.md: 不接受 YAML 别名（*a0，第 4 行）" in response.content.decode()


def test_deeply_nested_json_is_a_clear_400_not_a_500(editor_client):
    deep = '{"format": "kbsite-export", "issues": ' + "[" * 300_000 + "]" * 300_000 + "}"
    response = post(editor_client, ("deep.json", deep.encode()))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "deep.json: JSON 嵌套了 300001 层（最多 20 层）" in response.content.decode()


def test_an_unknown_product_is_refused_unless_creating_is_ticked(editor_client, sdk):
    response = post(editor_client, ("e.md", entry(product="meeting-skd")))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "产品“meeting-skd”不存在（已有：meeting-sdk）" in response.content.decode()
    assert Product.objects.count() == 1
    response = post(editor_client, ("e.md", entry(product="meeting-skd")), create_products="on")
    assert response.status_code == HTTPStatus.OK
    assert "产品“meeting-skd”尚不存在，将会创建" in response.content.decode()


def test_several_files_get_a_report_each_and_the_good_ones_import(editor_client, sdk):
    response = post(
        editor_client,
        ("good.md", entry(title="好的", product="meeting-sdk")),
        ("bad.md", entry(title="{a: 1}", product="meeting-sdk")),
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "已拒绝：这些文件的内容不会写入" in page
    assert "bad.md: “title:”必须是文本，而不是一个映射" in page
    assert "good.md · Markdown · UTF-8" in page
    assert not Issue.objects.exists()
    token = response.context["token"]
    response = editor_client.post(COMMIT_URL, {"token": token}, follow=True)
    assert list(Issue.objects.values_list("title", flat=True)) == ["好的"]
    assert "1 个文件被拒绝，其内容均未写入。" in response.content.decode()


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def test_a_zip_imports_the_documents_inside(editor_client, sdk):
    data = zipped(
        **{
            "kb__one.md": entry(title="一", product="meeting-sdk"),
            "kb__two.md": entry(title="二", product="meeting-sdk"),
            "kb__photo.png": b"\x89PNG not a document",
        }
    )
    response = post(editor_client, ("kb.zip", data))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "one.md · Markdown" in page and "two.md · Markdown" in page
    editor_client.post(COMMIT_URL, {"token": response.context["token"]})
    assert sorted(Issue.objects.values_list("title", flat=True)) == ["一", "二"]


def test_zip_path_traversal_nested_archives_and_bombs_are_refused(editor_client, sdk, settings):
    settings.KB_IMPORT_MAX_BYTES = 512 * 1024
    data = zipped(
        **{
            "ok.md": entry(title="好", product="meeting-sdk"),
            "..__..__etc__evil.md": entry(title="坏", product="meeting-sdk"),
            "inner.zip": zipped(x=b"y"),
            "bomb.txt": b"0" * (400 * 1024),  # compresses about 1000:1
        }
    )
    response = post(editor_client, ("kb.zip", data))
    page = response.content.decode()
    assert "kb.zip/../../etc/evil.md: 其路径指向压缩包之外" in page
    assert "kb.zip/inner.zip：压缩包中的压缩包" in page
    assert "kb.zip/bomb.txt：压缩比超过 200:1" in page
    editor_client.post(COMMIT_URL, {"token": response.context["token"]})
    assert list(Issue.objects.values_list("title", flat=True)) == ["好"]


def test_a_slug_takeover_needs_a_second_explicit_preview(editor_client, sdk):
    taken = Issue.objects.create(product=sdk, title="原来的条目", slug="sdk-login")
    response = post(
        editor_client, ("new.md", entry(title="新条目", slug="sdk-login")), product=sdk.slug
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST  # the only file is refused
    page = response.content.decode()
    assert "slug “sdk-login” 是已有条目《原来的条目》（在管理后台创建）" in page
    response = post(
        editor_client,
        ("new.md", entry(title="新条目", slug="sdk-login")),
        ("other.md", entry(title="别的", product="meeting-sdk")),
        product=sdk.slug,
    )
    token = response.context["token"]
    assert "重新预览，并更新这些已有条目" in response.content.decode()
    again = editor_client.post(IMPORT_URL, {"token": token, "update_existing": "1"})
    assert again.status_code == HTTPStatus.OK
    assert "已按要求更新" in again.content.decode()
    editor_client.post(COMMIT_URL, {"token": again.context["token"]})
    assert Issue.objects.get(pk=taken.pk).title == "新条目"


def test_a_plain_commit_of_the_first_preview_leaves_the_entry_alone(editor_client, sdk):
    taken = Issue.objects.create(product=sdk, title="原来的条目", slug="sdk-login")
    response = post(
        editor_client,
        ("new.md", entry(title="新条目", slug="sdk-login")),
        ("other.md", entry(title="别的", product="meeting-sdk")),
        product=sdk.slug,
    )
    editor_client.post(COMMIT_URL, {"token": response.context["token"]})
    assert Issue.objects.get(pk=taken.pk).title == "原来的条目"
    assert Issue.objects.filter(title="别的").exists()


def test_many_files_together_are_bounded(editor_client, settings):
    settings.KB_IMPORT_MAX_BYTES = 1024
    files = [(f"e{n}.md", entry(title=f"条目{n}") + b"x" * 900) for n in range(6)]
    response = post(editor_client, *files)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "5 KB" in response.content.decode()
