"""Alerts on a change of state: e-mail to the outbox, signed webhooks, back-off, test action."""

import json

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from probes.alerts import SIGNATURE_HEADER, TIMESTAMP_HEADER, deliver, sign, verify
from probes.models import AlertChannel, AlertDelivery, Monitor, ProbeResult, ProbeRun, Target
from probes.monitors import monitor_record
from probes.outcomes import Outcome
from tests.issues.factories import make_issue
from tests.probes.factories import make_checklist
from tests.probes.queue_stack import WebhookReceiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache(settings):
    cache.clear()
    settings.PROBES_MONITOR_THRESHOLD = 2
    settings.SITE_URL = "https://kb.example.test"


@pytest.fixture
def monitor():
    target = Target.objects.create(kind="tcp", host="conn.example.test", port="443")
    checklist = make_checklist(target, slug="meeting")
    checklist.issues.add(make_issue(slug="meeting-unreachable", title="会议连不上"))
    return Monitor.objects.create(name="Meeting", checklist=checklist, interval_seconds=60)


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


def _observe(monitor, outcome, times):
    for _ in range(times):
        run = ProbeRun.objects.create(source="monitor", monitor=monitor, timeout=1, status="done")
        ProbeResult.objects.create(
            run=run, position=1, target_text="tcp://conn.example.test:443", kind="tcp",
            outcome=outcome, details={"reason": "connection refused"},
        )  # fmt: skip
        monitor_record(monitor=monitor, run=run)


def test_a_state_change_is_mailed_through_djangos_mail(monitor, settings):
    settings.LANGUAGE_CODE = "en"  # mail is written in the site's language
    AlertChannel.objects.create(
        name="ops", kind="email", recipients="ops@example.test\nnoc@example.test"
    )
    _observe(monitor, Outcome.OK, 2)
    assert mail.outbox == []  # the first state of a new monitor is not news
    _observe(monitor, Outcome.REFUSED, 2)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[kbsite] Meeting: up → down"
    assert message.to == ["ops@example.test", "noc@example.test"]
    assert "tcp://conn.example.test:443: refused" in message.body
    assert "会议连不上: https://kb.example.test/issues/meeting-unreachable/" in message.body
    assert AlertDelivery.objects.get().status == AlertDelivery.Status.SENT


def test_a_webhook_gets_signed_json(monitor, receiver):
    channel = AlertChannel.objects.create(name="hook", kind="webhook", url=receiver.url)
    assert len(channel.secret) >= 32  # generated when left empty
    _observe(monitor, Outcome.OK, 2)
    _observe(monitor, Outcome.REFUSED, 2)
    ((headers, body, status),) = receiver.received
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert verify(
        channel.secret, headers[TIMESTAMP_HEADER.lower()], body, headers[SIGNATURE_HEADER.lower()]
    )
    assert headers[SIGNATURE_HEADER.lower()] == sign(
        channel.secret, int(headers[TIMESTAMP_HEADER.lower()]), body
    )
    tampered = body.replace(b'"down"', b'"up"')
    assert not verify(
        channel.secret,
        headers[TIMESTAMP_HEADER.lower()],
        tampered,
        headers[SIGNATURE_HEADER.lower()],
    )
    payload = json.loads(body)
    assert (payload["event"], payload["previous_state"], payload["state"]) == (
        "monitor.state_changed", "up", "down",
    )  # fmt: skip
    assert payload["monitor"]["url"] == f"https://kb.example.test/probes/monitors/{monitor.pk}/"
    assert payload["failures"][0]["outcome"] == "refused"
    assert payload["previous_duration_seconds"] is not None


def test_a_failing_webhook_is_retried_with_back_off_then_given_up(monitor, settings):
    settings.PROBES_ALERT_ATTEMPTS = 3
    receiver = WebhookReceiver(fail_first=99)
    channel = AlertChannel.objects.create(name="hook", kind="webhook", url=receiver.url)
    delivery = AlertDelivery.objects.create(
        channel=channel, event="test", payload={"event": "test"}
    )
    waits = []
    for _ in range(3):
        outcome = deliver(delivery_id=delivery.pk)
        waits.append(outcome.retry_in)
    receiver.close()
    delivery.refresh_from_db()
    assert waits == [10.0, 20.0, None]  # doubling, then no more
    assert delivery.status == AlertDelivery.Status.FAILED and delivery.attempts == 3
    assert "HTTP 500" in delivery.last_error and len(receiver.received) == 3


def test_webhooks_dial_through_the_ssrf_guard(monitor, settings):
    settings.PROBES_ALLOWED_NETWORKS = []  # loopback denied: the guard refuses before dialling
    channel = AlertChannel.objects.create(name="hook", kind="webhook", url="http://127.0.0.1:9/x")
    delivery = AlertDelivery.objects.create(
        channel=channel, event="test", payload={"event": "test"}
    )
    deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert "blocked by policy" in delivery.last_error


def test_a_channel_limited_to_other_monitors_stays_quiet(monitor):
    other = Monitor.objects.create(
        name="Other", target=Target.objects.create(kind="dns", host="a.test")
    )
    channel = AlertChannel.objects.create(name="ops", kind="email", recipients="ops@example.test")
    channel.monitors.add(other)
    _observe(monitor, Outcome.OK, 2)
    _observe(monitor, Outcome.REFUSED, 2)
    assert mail.outbox == [] and not AlertDelivery.objects.exists()


def test_the_admin_sends_a_test_alert(admin_client, receiver, settings):
    settings.LANGUAGE_CODE = "en"
    hook = AlertChannel.objects.create(name="hook", kind="webhook", url=receiver.url)
    email = AlertChannel.objects.create(name="ops", kind="email", recipients="ops@example.test")
    broken = AlertChannel.objects.create(name="broken", kind="webhook", url="http://127.0.0.1:9/")
    response = admin_client.post(
        reverse("admin:probes_alertchannel_changelist"),
        {"action": "send_test_alert", "_selected_action": [hook.pk, email.pk, broken.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "hook" in text and "ops" in text
    assert len(receiver.received) == 1 and json.loads(receiver.received[0][1])["event"] == "test"
    assert len(mail.outbox) == 1 and "test alert" in mail.outbox[0].subject
    failed = AlertDelivery.objects.get(channel=broken)
    assert failed.status == AlertDelivery.Status.FAILED and failed.last_error in text


def test_alert_mail_is_written_in_the_sites_language(monitor, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    AlertChannel.objects.create(name="ops", kind="email", recipients="ops@example.test")
    _observe(monitor, Outcome.OK, 2)
    _observe(monitor, Outcome.REFUSED, 2)
    message = mail.outbox[0]
    assert message.subject == "[kbsite] Meeting：正常 → 中断"
    assert "失败的检查：" in message.body and "依赖它的解决方法：" in message.body
