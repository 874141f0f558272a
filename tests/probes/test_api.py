import json
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from probes.models import ProbeRun, Target
from tests.probes.factories import make_checklist, make_prober

pytestmark = pytest.mark.django_db
URL = "/api/probes/run/"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def api(client, django_user_model):
    client.force_login(make_prober(django_user_model))
    return client


def post(client, payload, **extra):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", **extra)


def test_url_is_the_documented_one():
    assert reverse("probes_api:run") == URL


def test_targets_run_and_come_back_as_json(api, open_tcp_port, closed_tcp_port):
    targets = [f"tcp://127.0.0.1:{open_tcp_port}", f"tcp://127.0.0.1:{closed_tcp_port}"]
    response = post(api, {"targets": targets, "timeout": 2})
    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert data["run"] == ProbeRun.objects.get().pk
    assert data["status"] == "done"
    assert [r["target"] for r in data["results"]] == targets
    assert [r["outcome"] for r in data["results"]] == ["ok", "refused"]
    first = data["results"][0]
    assert set(first) >= {"target", "kind", "outcome", "addresses", "timings_ms", "details"}
    assert first["explanation"]


def test_a_checklist_runs_with_its_parameters(api, open_tcp_port):
    make_checklist(
        Target(kind="tcp", host="{prefix}.test", port=str(open_tcp_port)),
        slug="sdk",
        parameters=["prefix"],
    )
    response = post(api, {"checklist": "sdk", "params": {"prefix": "good"}})
    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert data["checklist"] == "sdk" and data["parameters"] == {"prefix": "good"}
    assert data["results"][0]["target"] == f"tcp://good.test:{open_tcp_port}"
    assert data["results"][0]["outcome"] == "ok"


def test_expected_fingerprint_can_be_given_per_target(api, tls_port, ca_bundle, settings):
    settings.PROBES_CA_BUNDLE = ca_bundle
    target = {"target": f"tls://good.test:{tls_port}", "expected_fingerprint": "ab" * 32}
    data = post(api, {"targets": [target]}).json()
    assert data["results"][0]["outcome"] == "tls_error"
    assert "fingerprint" in data["results"][0]["details"]["reason"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ({}, "either a checklist or a list of targets"),
        ({"targets": "tcp://a.test:1"}, "targets must be a list"),
        ({"checklist": "nope"}, "no checklist"),
        ({"checklist": 5}, "checklist must be a slug"),
        ({"targets": ["dns:a.test"], "timeout": "x"}, "timeout"),
        ({"targets": ["dns:a.test"], "extra": 1}, "unknown field"),
        ({"targets": ["dns:a.test"], "params": {"a": "b"}}, "params only apply"),
    ],
)
def test_bad_input_is_a_400_with_a_message(api, payload, message):
    response = post(api, payload)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.json()["error"]


def test_malformed_targets_are_reported_invalid_not_errors(api):
    targets = [
        "tcp://",
        "gopher://x.test/",
        "tcp://a.test:0",
        "x" * 3000,
        "tcp://a\x00b:1",
        {"target": "tls://a.test:443", "expected_issuer": "evil\x00"},
        {"target": "tls://a.test:443", "expected_fingerprint": "zz"},
    ]
    response = post(api, {"targets": targets})
    assert response.status_code == HTTPStatus.OK
    assert {r["outcome"] for r in response.json()["results"]} == {"invalid"}


def test_anonymous_and_unpermitted_users_are_refused(client, django_user_model):
    assert post(client, {"targets": ["dns:a.test"]}).status_code == HTTPStatus.UNAUTHORIZED
    client.force_login(make_prober(django_user_model, group=None))
    assert post(client, {"targets": ["dns:a.test"]}).status_code == HTTPStatus.FORBIDDEN
    assert not ProbeRun.objects.exists()


def test_session_requests_need_the_csrf_token(django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_prober(django_user_model))
    assert post(client, {"targets": ["dns:a.test"]}).status_code == HTTPStatus.FORBIDDEN
    client.get("/probes/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = post(client, {"targets": ["dns:a.test"]}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == HTTPStatus.OK


def test_rate_limit_answers_429_with_retry_after(api, settings):
    settings.PROBES_RATE_LIMIT = "1/60"
    assert post(api, {"targets": ["dns:a.test"]}).status_code == HTTPStatus.OK
    response = post(api, {"targets": ["dns:a.test"]})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0


def test_get_is_not_allowed(api):
    assert api.get(URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_run_not_finished_in_time_is_answered_202_with_where_to_follow_it(
    api, open_tcp_port, monkeypatch
):
    queued = []
    monkeypatch.setattr("probes.api.probe_run_enqueue", lambda *, run: queued.append(run))
    response = post(api, {"targets": [f"tcp://127.0.0.1:{open_tcp_port}"], "wait": False})
    assert response.status_code == HTTPStatus.ACCEPTED
    body = response.json()
    run = ProbeRun.objects.get()
    assert queued == [run] and body["status"] == "queued"
    assert body["status_url"] == reverse("probes:run_status", args=[run.pk])
    assert body["results"][0]["outcome"] is None


def test_wait_must_be_a_boolean(api):
    response = post(api, {"targets": ["dns:a.test"], "wait": "no"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "wait must be true or false" in response.json()["error"]
