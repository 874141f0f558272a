import re
import time
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from issues.models import ErrorCode, Issue, Product
from probes.models import ProbeRun, Target
from probes.outcomes import Outcome
from probes.services import probe_run_create, probe_run_execute
from tests.probes.factories import make_checklist, make_prober

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def prober(django_user_model):
    return make_prober(django_user_model)


@pytest.fixture
def prober_client(client, prober):
    client.force_login(prober)
    return client


@pytest.fixture
def checklist(open_tcp_port):
    return make_checklist(
        Target(kind="tcp", host="{prefix}.test", port=str(open_tcp_port)), parameters=["prefix"]
    )


def test_anonymous_users_are_sent_to_login(client, checklist):
    for url in (reverse("probes:index"), checklist.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("staff", "group"), [(False, "Helpdesk"), (True, None)], ids=["not-staff", "no-permission"]
)
def test_signed_in_users_without_staff_and_permission_get_403(
    client, django_user_model, checklist, staff, group
):
    client.force_login(make_prober(django_user_model, staff=staff, group=group))
    assert client.get(reverse("probes:index")).status_code == HTTPStatus.FORBIDDEN
    response = client.post(checklist.get_absolute_url(), {"prefix": "good"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ProbeRun.objects.exists()


def test_both_staff_groups_hold_the_run_permission():
    for name in ("Helpdesk", "Editors"):
        codenames = Group.objects.get(name=name).permissions.values_list("codename", flat=True)
        assert "run_probes" in codenames


def test_index_lists_checklists_and_the_adhoc_form(prober_client, checklist):
    response = prober_client.get(reverse("probes:index"))
    assert response.status_code == HTTPStatus.OK
    assert checklist.title in response.content.decode()
    assert 'name="targets"' in response.content.decode()


def test_checklist_page_asks_for_its_parameters(prober_client, checklist):
    response = prober_client.get(checklist.get_absolute_url())
    html = response.content.decode()
    assert 'name="prefix"' in html
    assert "Label of prefix" in html


def test_running_a_checklist_leads_to_a_run_page_that_fills_in(
    prober_client, prober, checklist, monkeypatch
):
    started = []
    monkeypatch.setattr("probes.views.probe_run_enqueue", lambda *, run: started.append(run))
    response = prober_client.post(checklist.get_absolute_url(), {"prefix": "good"})
    run = ProbeRun.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == run.get_absolute_url()
    assert started == [run] and run.user == prober and run.parameters == {"prefix": "good"}

    page = prober_client.get(run.get_absolute_url()).content.decode()
    assert "data-poll-url" in page and 'data-pending="true"' in page
    assert "<script" in page and "onclick" not in page
    assert not re.search(r"<script>(?!</script>)", page)  # no inline script bodies

    status = prober_client.get(reverse("probes:run_status", args=[run.pk])).json()
    assert status["done"] is False and status["results"][0]["outcome"] is None

    probe_run_execute(run=run)
    status = prober_client.get(reverse("probes:run_status", args=[run.pk])).json()
    assert status["done"] is True
    row = status["results"][0]
    assert row["outcome"] == "ok" and f'id="result-{row["id"]}"' in row["html"]
    page = prober_client.get(run.get_absolute_url()).content.decode()
    assert "data-poll-url" not in page and "outcome--ok" in page


def test_invalid_adhoc_input_is_a_form_error_not_a_500(prober_client):
    response = prober_client.post(reverse("probes:adhoc_run"), {"targets": "   "})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "targets" in response.context["adhoc_form"].errors


def test_rate_limited_form_answers_429(prober_client, checklist, settings, monkeypatch):
    monkeypatch.setattr("probes.views.probe_run_enqueue", lambda *, run: None)
    settings.PROBES_RATE_LIMIT = "1/60"
    assert prober_client.post(checklist.get_absolute_url(), {"prefix": "a"}).status_code == 302
    response = prober_client.post(checklist.get_absolute_url(), {"prefix": "a"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_target_history_draws_latency_over_time(prober_client, prober, open_tcp_port):
    for _ in range(3):
        run = probe_run_create(
            user=prober, source="api", targets=[f"tcp://127.0.0.1:{open_tcp_port}"]
        )
        probe_run_execute(run=run)
    target = Target.objects.get(adhoc=True)
    response = prober_client.get(target.get_absolute_url())
    chart = response.context["chart"].as_json()
    assert len(chart["labels"]) == 3 and all(ms is not None for ms in chart["ok"])
    assert chart["failed"] == [None, None, None]
    html = response.content.decode()
    # Chart.js draws it from the JSON the page carries: no inline script, no SVG by hand.
    assert 'id="latency-data" type="application/json"' in html and 'id="latency-chart"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/latency-chart.js" in html


def test_adhoc_run_goes_through_the_guard(prober_client, monkeypatch, settings):
    monkeypatch.setattr("probes.views.probe_run_enqueue", lambda *, run: None)
    settings.PROBES_ALLOWED_NETWORKS = []
    response = prober_client.post(reverse("probes:adhoc_run"), {"targets": "tcp://0x7f000001:80"})
    run = ProbeRun.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    probe_run_execute(run=run)
    assert run.results.get().outcome == Outcome.BLOCKED


@pytest.fixture
def linked():
    product = Product.objects.create(slug="meeting-sdk", name="SDK")
    issue = Issue.objects.create(product=product, title="T", slug="t", status="published")
    code = ErrorCode.objects.create(product=product, code="-1018")
    checklist = make_checklist(Target(kind="dns", host="a.test"), slug="sdk")
    checklist.issues.add(issue)
    checklist.error_codes.add(code)
    return issue, code, checklist


def _render_related(user, **context):
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% include "probes/_related_checklists.html" %}')
    return template.render(Context({"request": request, **context}))


def test_related_checklists_show_for_permitted_users_only(linked, prober, django_user_model):
    issue, code, checklist = linked
    assert checklist.get_absolute_url() in _render_related(prober, issue=issue)
    assert checklist.get_absolute_url() in _render_related(prober, error_code=code)
    reader = django_user_model.objects.create_user("reader")
    assert _render_related(reader, issue=issue).strip() == ""


@pytest.mark.django_db(transaction=True)
def test_the_web_run_executes_in_the_background(client, django_user_model, open_tcp_port):
    client.force_login(make_prober(django_user_model, username="bg"))
    response = client.post(
        reverse("probes:adhoc_run"), {"targets": f"tcp://127.0.0.1:{open_tcp_port}"}
    )
    run = ProbeRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == ProbeRun.Status.DONE:
            break
        time.sleep(0.05)
    assert run.status == ProbeRun.Status.DONE
    assert run.results.get().outcome == Outcome.OK
