"""The JSON API: a ticket system or chat bot walks a flow, with session auth and CSRF."""

import json
from http import HTTPStatus

import pytest
from django.test import Client

from diagnosis.models import Session

pytestmark = pytest.mark.django_db


def post(client, url, payload=None, token=None):
    headers = {"HTTP_X_CSRFTOKEN": token} if token else {}
    return client.post(url, json.dumps(payload or {}), content_type="application/json", **headers)


def test_graph_lists_steps_and_branches_without_source_references(client, shipped_content):
    response = client.get("/api/flows/sdk-login-failure/")
    assert response.status_code == HTTPStatus.OK
    graph = response.json()
    assert graph["start"] == "error-code"
    keys = {step["key"]: step for step in graph["steps"]}
    assert keys["net-2"]["checklist"] == "sdk-firewall"
    assert keys["net-2"]["parameters"][0]["name"] == "sso_prefix"
    assert keys["net-2"]["runs_on_server"] is False
    assert "-1018" in graph["error_codes"]
    assert "source" not in json.dumps(graph).replace("reader_text", "")


def test_walking_by_api_needs_the_csrf_token(shipped_content):
    client = Client(enforce_csrf_checks=True)
    client.get("/diagnose/sdk-login-failure/")
    token = client.cookies["csrftoken"].value
    refused = post(client, "/api/flows/sdk-login-failure/sessions/")
    assert refused.status_code == HTTPStatus.FORBIDDEN
    started = post(client, "/api/flows/sdk-login-failure/sessions/", token=token)
    assert started.status_code == HTTPStatus.CREATED
    state = started.json()
    assert state["step"]["key"] == "error-code"
    branch = next(b for b in state["step"]["branches"] if b["label"].startswith("-1019"))
    answer_url = f"/api/sessions/{state['id']}/answer/"
    state = post(client, answer_url, {"branch": branch["id"]}, token).json()
    assert state["step"]["kind"] == "fix" and state["step"]["fix"]["error_code"].startswith("-1019")
    state = post(client, answer_url, {"solved": True}, token).json()
    assert state["outcome"] == "solved" and state["solved_by"] == "fix-1019"
    assert "-1019：SDK Token已过期" in state["summary"]
    # Another client cannot touch the walk.
    other = Client()
    assert other.get(f"/api/sessions/{state['id']}/").status_code == HTTPStatus.NOT_FOUND


def test_api_errors_are_clear(client, shipped_content):
    state = post(client, "/api/flows/sdk-login-failure/sessions/").json()
    url = f"/api/sessions/{state['id']}/answer/"
    assert post(client, url, {"branch": 0}).status_code == HTTPStatus.BAD_REQUEST
    bad = client.post(url, "not json", content_type="application/json")
    assert bad.status_code == HTTPStatus.BAD_REQUEST and "JSON" in bad.json()["error"]
    assert post(client, url, {"nothing": 1}).status_code == HTTPStatus.BAD_REQUEST
    refused = post(client, url, {"run": {}})
    assert refused.status_code == HTTPStatus.FORBIDDEN  # readers cannot run server checks
    assert "permission" in refused.json()["error"]
    assert Session.objects.get().path().count() == 0


def test_graph_leaves_out_internal_entries_for_readers(client, shipped_content, prober):
    from issues.models import Issue

    Issue.objects.filter(slug="sdk-login-network-troubleshooting").update(visibility="internal")
    graph = client.get("/api/flows/sdk-login-failure/").json()
    assert "sdk-login-network-troubleshooting" not in json.dumps(graph)
    client.force_login(prober)
    graph = client.get("/api/flows/sdk-login-failure/").json()
    assert graph["issues"] == ["sdk-login-network-troubleshooting"]
    steps = {step["key"]: step for step in graph["steps"]}
    assert steps["fix-proxy"]["fix"]["issue_url"].startswith(
        "/issues/sdk-login-network-troubleshooting/#step-"
    )
