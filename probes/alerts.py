"""Alerts on a monitor's change of state: e-mail and signed webhooks, retried with back-off.

Each (change, channel) pair is an AlertDelivery row, sent by a task and retried
after 10 s, 20 s, 40 s … (PROBES_ALERT_RETRY_SECONDS, doubling) until
PROBES_ALERT_ATTEMPTS attempts, then marked failed.
Webhooks get the JSON payload with an HMAC-SHA256 signature over
"<timestamp>.<body>" in X-Kbsite-Signature (docs/probes.md shows how to check it)
and are dialled through the SSRF guard like every probe.
"""

import hashlib
import hmac
import http.client
import json
import logging
import ssl
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from probes.checks import ProbeContext
from probes.explain import result_text
from probes.guard import Blocked, Deadline, DialFailed, guarded_dial
from probes.hosts import InvalidTarget
from probes.models import (
    AlertChannel,
    AlertDelivery,
    Kind,
    Monitor,
    MonitorState,
    ProbeResult,
)
from probes.outcomes import Outcome, is_failure
from probes.targets import parse_target_text

logger = logging.getLogger("probes.alerts")

SIGNATURE_HEADER = "X-Kbsite-Signature"
TIMESTAMP_HEADER = "X-Kbsite-Timestamp"
WEBHOOK_TIMEOUT = 10.0


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if settings.SITE_URL else path


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Kbsite-Signature value: sha256=HMAC(secret, "<timestamp>." + body)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (also used by the tests)."""
    try:
        expected = sign(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature)


def channels_for(monitor: Monitor):
    return (
        AlertChannel.objects.filter(enabled=True)
        .filter(Q(monitors__isnull=True) | Q(monitors=monitor))
        .distinct()
    )


def _issues_of(monitor: Monitor) -> list[dict]:
    from issues.models import Issue

    linked = Q(probe_checklists__monitors=monitor)
    if monitor.target_id:
        linked |= Q(probe_checklists__items__target=monitor.target_id)
    issues = Issue.objects.filter(linked).distinct().order_by("title")[:20]
    return [{"title": issue.title, "url": absolute(issue.get_absolute_url())} for issue in issues]


def state_change_payload(transition) -> dict:
    monitor, change, previous = transition.monitor, transition.change, transition.previous
    failures = []
    if change.run_id:
        for row in ProbeResult.objects.filter(run=change.run_id).order_by("position"):
            if is_failure(row.outcome):
                failures.append(
                    {
                        "target": row.target_text,
                        "outcome": row.outcome,
                        "explanation": result_text(row),
                    }
                )
    return {
        "event": "monitor.state_changed",
        "monitor": {
            "id": monitor.pk,
            "name": monitor.name,
            "watches": monitor.watched,
            "url": absolute(monitor.get_absolute_url()),
        },
        "state": change.state,
        "previous_state": change.previous,
        "since": change.started_at.isoformat(),
        "previous_since": previous.started_at.isoformat() if previous else None,
        "previous_duration_seconds": (
            round((previous.ended_at - previous.started_at).total_seconds()) if previous else None
        ),
        "run": absolute(change.run.get_absolute_url()) if change.run_id else None,
        "failures": failures,
        "issues": _issues_of(monitor),
    }


def test_payload(channel: AlertChannel) -> dict:
    return {
        "event": "test",
        "channel": channel.name,
        "message": "A test alert from kbsite: this channel is configured correctly.",
        "sent_at": timezone.now().isoformat(),
    }


def _queue(delivery: AlertDelivery) -> None:
    from probes.tasks import deliver_alert

    def send():
        try:
            deliver_alert.apply_async(args=[delivery.pk])
        except Exception:
            logger.exception("alert delivery %s could not be queued", delivery.pk)

    if deliver_alert.app.conf.task_always_eager:
        send()
    else:
        transaction.on_commit(send)


def alert_state_change(*, transition) -> list[AlertDelivery]:
    """One delivery per channel that watches the monitor; none for its first known state."""
    if transition.previous is None and transition.change.previous == "unknown":
        return []  # the first result of a new monitor is not news
    payload = state_change_payload(transition)
    deliveries = []
    for channel in channels_for(transition.monitor):
        delivery = AlertDelivery.objects.create(
            channel=channel, monitor=transition.monitor, event=payload["event"], payload=payload
        )
        _queue(delivery)
        deliveries.append(delivery)
    return deliveries


# --- sending -------------------------------------------------------------------------


def _state(code: str) -> str:
    try:
        return str(MonitorState(code).label)
    except ValueError:
        return code


def _outcome(code: str) -> str:
    try:
        return str(Outcome(code).label)
    except ValueError:
        return code


def _subject(payload: dict) -> str:
    if payload["event"] == "test":
        return _("[kbsite] test alert (%(channel)s)") % {"channel": payload["channel"]}
    return _("[kbsite] %(monitor)s: %(previous)s → %(state)s") % {
        "monitor": payload["monitor"]["name"],
        "previous": _state(payload["previous_state"]),
        "state": _state(payload["state"]),
    }


def _email_body(payload: dict) -> str:
    if payload["event"] == "test":
        return _("A test alert from kbsite: this channel is configured correctly.")
    monitor = payload["monitor"]
    lines = [
        _("%(monitor)s (%(watches)s) is %(state)s since %(since)s.")
        % {
            "monitor": monitor["name"],
            "watches": monitor["watches"],
            "state": _state(payload["state"]),
            "since": payload["since"],
        }
    ]
    if payload["previous_duration_seconds"] is not None:
        lines.append(
            _("Before that it was %(previous)s for %(seconds)s s.")
            % {
                "previous": _state(payload["previous_state"]),
                "seconds": payload["previous_duration_seconds"],
            }
        )
    if payload["failures"]:
        lines += ["", _("Failing checks:")]
        for failure in payload["failures"]:
            lines.append(f"- {failure['target']}: {_outcome(failure['outcome'])}")
            lines.append(f"  {failure['explanation']}")
    if payload["issues"]:
        lines += ["", _("Fixes that depend on it:")]
        lines += [f"- {issue['title']}: {issue['url']}" for issue in payload["issues"]]
    lines += ["", _("Monitor: %(url)s") % {"url": monitor["url"]}]
    if payload["run"]:
        lines.append(_("Run: %(url)s") % {"url": payload["run"]})
    return "\n".join(lines)


class SendFailed(Exception):
    pass


def send_email(channel: AlertChannel, payload: dict) -> None:
    # In the site's language (Chinese first): a worker has no reader whose language to use.
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _subject(payload), _email_body(payload)
    send_mail(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        channel.recipient_list(),
        fail_silently=False,
    )


def send_webhook(channel: AlertChannel, payload: dict, *, delivery_id: int | None = None) -> int:
    """POST the signed JSON through the SSRF guard; returns the HTTP status (2xx or raises)."""
    try:
        spec = parse_target_text(channel.url)
    except InvalidTarget as exc:
        raise SendFailed(f"bad webhook URL: {exc}") from exc
    if spec.kind not in (Kind.HTTP, Kind.HTTPS):
        raise SendFailed("a webhook URL is http:// or https://")
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = int(time.time())
    context = ProbeContext.from_settings(timeout=WEBHOOK_TIMEOUT)
    deadline = Deadline(WEBHOOK_TIMEOUT)
    try:
        dialed = guarded_dial(
            spec.host,
            spec.port,
            policy=context.policy,
            resolver=context.resolver,
            deadline=deadline,
        )
    except Blocked as exc:
        raise SendFailed(f"blocked by policy: {exc.reason}") from exc
    except DialFailed as exc:
        raise SendFailed(f"could not connect: {exc.error}") from exc
    sock = dialed.sock
    host = spec.host.name if spec.host.name is not None else str(spec.host.ip)
    if spec.kind == Kind.HTTPS:
        tls = ssl.create_default_context(cafile=context.ca_bundle or None)
        sock = tls.wrap_socket(sock, server_hostname=host)
    connection_class = (
        http.client.HTTPSConnection if spec.kind == Kind.HTTPS else http.client.HTTPConnection
    )
    connection = connection_class(host, spec.port, timeout=deadline.remaining())
    connection.sock = sock
    try:
        sock.settimeout(deadline.remaining())
        connection.request(
            "POST",
            spec.path or "/",
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "kbsite-alerts/1.0",
                "X-Kbsite-Event": payload["event"],
                "X-Kbsite-Delivery": str(delivery_id or ""),
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(channel.secret, timestamp, body),
            },
        )
        response = connection.getresponse()
        response.read(64 * 1024)
    except OSError as exc:
        raise SendFailed(f"webhook request failed: {exc}") from exc
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise SendFailed(f"webhook answered HTTP {response.status}")
    return response.status


def send(channel: AlertChannel, payload: dict, *, delivery_id: int | None = None) -> None:
    if channel.kind == AlertChannel.Kind.EMAIL:
        try:
            send_email(channel, payload)
        except OSError as exc:  # smtplib errors are OSErrors
            raise SendFailed(f"mail not sent: {exc}") from exc
    else:
        send_webhook(channel, payload, delivery_id=delivery_id)


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    retry_in: float | None = None


def deliver(*, delivery_id: int) -> DeliveryOutcome:
    """One attempt; on failure the caller retries after the returned back-off."""
    delivery = AlertDelivery.objects.select_related("channel").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != AlertDelivery.Status.PENDING:
        return DeliveryOutcome(delivery.status if delivery else "gone")
    delivery.attempts += 1
    try:
        send(delivery.channel, delivery.payload, delivery_id=delivery.pk)
    except SendFailed as exc:
        delivery.last_error = str(exc)[:2000]
        if delivery.attempts >= settings.PROBES_ALERT_ATTEMPTS:
            delivery.status = AlertDelivery.Status.FAILED
            delivery.save(update_fields=["attempts", "last_error", "status"])
            logger.error("alert %s to %s given up: %s", delivery.pk, delivery.channel, exc)
            return DeliveryOutcome(delivery.status)
        delivery.save(update_fields=["attempts", "last_error"])
        logger.warning("alert %s to %s failed, will retry: %s", delivery.pk, delivery.channel, exc)
        backoff = settings.PROBES_ALERT_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
        return DeliveryOutcome(delivery.status, backoff)
    delivery.status = AlertDelivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return DeliveryOutcome(delivery.status)


def send_test_alert(*, channel: AlertChannel) -> AlertDelivery:
    """The admin's "send test alert": one attempt now, recorded, the error kept for the message."""
    payload = test_payload(channel)
    delivery = AlertDelivery.objects.create(channel=channel, event="test", payload=payload)
    deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    if delivery.status == AlertDelivery.Status.PENDING:  # a test is tried once, not retried
        delivery.status = AlertDelivery.Status.FAILED
        delivery.save(update_fields=["status"])
    return delivery
