"""The walk pages and who may see what: internal flows, drafts, other people's walks,
anonymous readers (check steps become questions), the staff session record."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from diagnosis.models import Flow, Session
from issues.models import ErrorCode

pytestmark = pytest.mark.django_db


def small_flow(build, slug="demo", **fields):
    b = build(slug, status="published", **fields)
    b.add("q", body="Is it **plugged in**?")
    b.add("check", "check", targets="tcp://good.test:1", reader_text="Open the address: loads?")
    code = ErrorCode.objects.create(product=b.flow.product, code=f"-{len(slug)}", fix="turn it on")
    b.add("fix", "fix", fix_code=code, title="Turn it on")
    b.add("esc", "escalate", collect="the logs", send_to="the vendor", title="Call the vendor")
    b.link("q", "check", "yes")
    b.link("q", "fix", "no")
    b.link("check", "fix", "loads", condition="all_ok")
    b.link("check", "esc", "does not load", condition="else")
    b.steps["fix"].unsolved_step = b.steps["esc"]
    b.steps["fix"].save()
    return b


def start(client, flow):
    response = client.post(flow.get_absolute_url())
    assert response.status_code == HTTPStatus.FOUND
    return response["Location"]


def test_a_reader_walks_a_public_flow_with_plain_forms(client, build):
    b = small_flow(build)
    page = client.get(b.flow.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    walk = start(client, b.flow)
    page = client.get(walk)
    assert "<strong>plugged in</strong>" in page.text
    yes = b.steps["q"].branches.get(label="yes")
    client.post(walk, {"action": "answer", "branch": yes.pk})
    page = client.get(walk)
    # A check step becomes a question for someone who cannot run server checks.
    assert "Open the address: loads?" in page.text
    assert "tcp://good.test:1" not in page.text or "does not load" in page.text
    assert 'name="branch"' in page.text and "does not load" in page.text
    assert 'value="run"' not in page.text
    loads = b.steps["check"].branches.get(label="loads")
    client.post(walk, {"action": "answer", "branch": loads.pk})
    page = client.get(walk)
    assert "Turn it on" in page.text and 'value="solved"' in page.text
    client.post(walk, {"action": "not_solved"})
    page = client.get(walk)
    assert "the vendor" in page.text and 'id="session-summary"' in page.text
    session = Session.objects.get()
    assert session.outcome == "escalated" and session.user is None
    # Back from the escalation returns to the fix.
    client.post(walk, {"action": "back"})
    assert Session.objects.get().current_step.key == "fix"


def test_a_reader_cannot_run_checks_even_by_posting(client, build):
    b = small_flow(build)
    walk = start(client, b.flow)
    client.post(walk, {"action": "answer", "branch": b.steps["q"].branches.get(label="yes").pk})
    response = client.post(walk, {"action": "run"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_bad_input_gets_a_clear_error(client, build):
    b = small_flow(build)
    walk = start(client, b.flow)
    response = client.post(walk, {"action": "answer", "branch": "999999"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'role="alert"' in response.text
    response = client.post(walk, {"action": "nonsense"})
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_someone_elses_walk_is_not_found(client, build, django_user_model):
    from django.test import Client

    b = small_flow(build)
    walk = start(client, b.flow)
    assert client.get(walk).status_code == HTTPStatus.OK
    other = Client()
    other.force_login(django_user_model.objects.create_user("other"))
    assert other.get(walk).status_code == HTTPStatus.NOT_FOUND
    assert Client().get(walk).status_code == HTTPStatus.NOT_FOUND  # another browser


def test_internal_and_unpublished_flows_are_hidden_from_readers(client, build, prober):
    internal = small_flow(build, "internal", visibility=Flow.Visibility.INTERNAL)
    draft = small_flow(build, "draft")
    draft.flow.status = Flow.Status.DRAFT
    draft.flow.save()
    for flow in (internal.flow, draft.flow):
        assert client.get(flow.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        assert client.post(flow.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        assert client.get(f"/api/flows/{flow.slug}/").status_code == HTTPStatus.NOT_FOUND
    index = client.get(reverse("diagnosis:index"))
    assert "Flow internal" not in index.text and "Flow draft" not in index.text
    client.force_login(prober)
    assert client.get(internal.flow.get_absolute_url()).status_code == HTTPStatus.OK
    page = client.get(draft.flow.get_absolute_url())
    assert page.status_code == HTTPStatus.OK and "预览：该流程状态为" in page.text


def test_staff_get_check_steps_run_and_the_session_record(client, build, prober, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    b = small_flow(build)
    client.force_login(prober)
    walk = start(client, b.flow)
    client.post(walk, {"action": "answer", "branch": b.steps["q"].branches.get(label="yes").pk})
    page = client.get(walk)
    assert 'value="run"' in page.text
    session = Session.objects.get()
    record = client.get(session.get_absolute_url())
    assert record.status_code == HTTPStatus.OK and "yes" in record.text
    # The summary's heading names its text box (not a hidden copy of the same words), and
    # the times on the page and in the summary say their zone.
    assert record.text.count("工单用的排查摘要") == 1
    assert '<textarea id="session-summary" aria-labelledby="summary-heading"' in record.text
    assert "<label" not in record.text.split('id="summary-heading"')[1].split("</section>")[0]
    page_times = record.text.split('id="summary-heading"')[0]
    assert page_times.count("(UTC+08:00)") == 1 + session.path().count() == 2
    assert "(UTC+08:00) by prober" in client.get(record.request["PATH_INFO"] + "?lang=en").text
    summary = client.get(reverse("diagnosis:session_summary", args=[session.pk]) + "?lang=en")
    assert summary["Content-Type"].startswith("text/plain")
    assert "Flow demo" in summary.text


def test_the_session_record_is_for_staff_only(client, build, django_user_model):
    b = small_flow(build)
    start(client, b.flow)
    session = Session.objects.get()
    response = client.get(session.get_absolute_url())
    assert response.status_code == HTTPStatus.FOUND and "/login" in response["Location"]
    client.force_login(django_user_model.objects.create_user("reader"))
    assert client.get(session.get_absolute_url()).status_code == HTTPStatus.FORBIDDEN


def test_readers_never_see_source_references(client, shipped_content):
    flow = Flow.objects.get(slug="sdk-login-failure")
    pages = [client.get(flow.get_absolute_url()).text]
    walk = start(client, flow)
    pages.append(client.get(walk).text)
    first = flow.start_step.branches.get(label__startswith="-1018")
    client.post(walk, {"action": "answer", "branch": first.pk})
    pages.append(client.get(walk).text)
    pages.append(client.get(f"/api/flows/{flow.slug}/").text)
    for text in pages:
        assert ".txt#" not in text and "004_" not in text


def test_issue_code_and_home_pages_link_the_flows(client, shipped_content):
    issue_page = client.get("/issues/sdk-login-network-troubleshooting/")
    assert "/diagnose/sdk-login-failure/" in issue_page.text
    code_page = client.get("/codes/meeting-sdk/-1018/")
    assert "/diagnose/sdk-login-failure/" in code_page.text
    home = client.get("/")
    assert "/diagnose/sdk-login-failure/" in home.text
    assert "/diagnose/mobile-client-cannot-connect/" in home.text
    unrelated = client.get("/issues/client-splash-screen-setup/")
    assert "/diagnose/" not in unrelated.text


def test_starting_walks_is_rate_limited_per_client(client, build, settings):
    settings.DIAGNOSIS_START_RATE_LIMIT = "2/600"
    b = small_flow(build)
    start(client, b.flow)
    start(client, b.flow)
    refused = client.post(b.flow.get_absolute_url())
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert 'role="alert"' in refused.text
    assert Session.objects.count() == 2


def test_a_code_page_starts_the_flow_with_its_code_chosen(client, shipped_content):
    code_page = client.get("/codes/meeting-sdk/-1019/")
    assert 'href="/diagnose/sdk-login-failure/?code=-1019"' in code_page.text
    flow = Flow.objects.get(slug="sdk-login-failure")
    page = client.get("/diagnose/sdk-login-failure/", {"code": "-1019"})
    assert 'name="code" value="-1019"' in page.text
    response = client.post("/diagnose/sdk-login-failure/", {"code": "-1019"})
    walk = response["Location"]
    assert walk.endswith("?code=-1019#step")
    page = client.get(walk)
    chosen = flow.start_step.branches.get(label__startswith="-1019")
    assert f'value="{chosen.pk}" id="branch-{chosen.pk}" required checked' in page.text
    assert page.text.count(" checked") == 1
    # The reader still answers: the choice is only made for them.
    assert client.post(walk.split("?")[0], {"action": "answer", "branch": chosen.pk}).status_code
    assert Session.objects.get().current_step.key == "fix-1019"


def test_an_unknown_code_chooses_nothing(client, shipped_content):
    page = client.get("/diagnose/sdk-login-failure/", {"code": "-1"})
    assert 'name="code"' not in page.text
    walk = client.post("/diagnose/sdk-login-failure/", {"code": "-10"})["Location"]
    assert "code=" not in walk
    assert " checked" not in client.get(walk + "?code=<b>").text


def test_an_answer_left_out_is_refused_beside_the_question_in_the_readers_language(client, build):
    b = small_flow(build)
    walk = start(client, b.flow)
    page = client.get(walk)
    assert "novalidate" in page.text
    response = client.post(walk, {"action": "answer"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'aria-describedby="branch-error"' in response.text
    assert 'id="branch-error" role="alert">请选择一个答案。</p>' in response.text
    response = client.post(walk, {"action": "answer"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose an answer." in response.text
    assert Session.objects.get().path().count() == 0


def test_an_override_without_a_reason_keeps_the_answer_chosen(client, build, prober):
    b = small_flow(build)
    client.force_login(prober)
    walk = start(client, b.flow)
    yes = b.steps["q"].branches.get(label="yes")
    client.post(walk, {"action": "answer", "branch": yes.pk})
    loads = b.steps["check"].branches.get(label="loads")
    # Staff answering a check by hand must give a reason; the choice stays checked.
    response = client.post(walk, {"action": "answer", "branch": loads.pk, "reason": " "})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f'id="answer-branch-{loads.pk}" required checked' in response.text
    assert 'id="answer-reason-error" role="alert"' in response.text
    assert '<details class="walk-manual" open>' in response.text
    response = client.post(walk, {"action": "answer", "reason": "the customer said so"})
    assert "the customer said so</textarea>" in response.text
    assert 'id="answer-branch-error"' in response.text
