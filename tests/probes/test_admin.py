from http import HTTPStatus

import pytest
from django.urls import reverse

from probes.models import Checklist, ChecklistItem, Target
from probes.services import probe_run_create, probe_run_execute
from tests.probes.factories import make_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password=None))
    return client


def test_checklist_is_edited_with_its_items_and_parameters_inline(admin):
    checklist = make_checklist(Target(kind="tcp", host="{p}.test", port="443"), parameters=["p"])
    url = reverse("admin:probes_checklist_change", args=[checklist.pk])
    html = admin.get(url).content.decode()
    assert "items-TOTAL_FORMS" in html and "parameters-TOTAL_FORMS" in html


def test_a_new_checklist_with_an_item_is_saved_from_the_admin(admin):
    target = Target.objects.create(kind="tcp", host="conn.wemeet.tencent.com", port="443")
    data = {
        "slug": "new",
        "title": "New",
        "description": "",
        "parameters-TOTAL_FORMS": "0",
        "parameters-INITIAL_FORMS": "0",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-position": "1",
        "items-0-target": str(target.pk),
        "items-0-description": "信令接入",
    }
    response = admin.post(reverse("admin:probes_checklist_add"), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    item = ChecklistItem.objects.get(checklist=Checklist.objects.get(slug="new"))
    assert item.target == target and item.description == "信令接入"


def test_target_validation_rejects_bad_ports_and_braces(admin):
    data = {"kind": "tcp", "host": "{bad", "port": "70000", "path": "", "description": ""}
    response = admin.post(reverse("admin:probes_target_add"), data)
    assert response.status_code == HTTPStatus.OK  # the form again, with errors
    errors = response.context["adminform"].form.errors
    assert "host" in errors and "port" in errors


def test_runs_are_a_read_only_audit_trail(admin, django_user_model):
    run = probe_run_create(user=None, source="cli", targets=["dns:a.test"])
    assert admin.get(reverse("admin:probes_proberun_change", args=[run.pk])).status_code == 200
    assert admin.get(reverse("admin:probes_proberun_add")).status_code == HTTPStatus.FORBIDDEN


def test_a_result_row_is_explained_in_the_editors_language(admin, closed_tcp_port):
    run = probe_run_create(user=None, source="cli", targets=[f"tcp://127.0.0.1:{closed_tcp_port}"])
    probe_run_execute(run=run)
    url = reverse("admin:probes_proberun_change", args=[run.pk])
    assert "拒绝" in admin.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "refused" in admin.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode().lower()
