"""What a result means, in the reader's language, made when the result is shown.

Results store codes (the outcome, a reason code and its parameters), never sentences:
the text is rendered here at display time, so each reader sees their own language
whoever ran the check. A fix is offered only where one is linked to that checklist
item or target; there is no default fix. See docs/probes.md.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues.models import Issue
from probes import technical_words
from probes.models import ChecklistItem
from probes.outcomes import EXPLANATIONS, Outcome, is_failure

# The reason a check gives, per reason code; parameters come from the stored result.
REASONS = {
    "refused": gettext_lazy(
        "Connection refused: nothing listens on that port, or a firewall rejects it."
    ),
    "unreachable": gettext_lazy("Network unreachable: this server has no route to the address."),
    "reset": gettext_lazy("The connection was reset."),
    "timeout": gettext_lazy("No answer within the timeout."),
    "overran": gettext_lazy("No result within %(seconds)s s: the check overran."),
    "dns_nxdomain": gettext_lazy("The name %(name)s does not exist (NXDOMAIN)."),
    "dns_timeout": gettext_lazy("The DNS server did not answer within the timeout."),
    "dns_no_answer": gettext_lazy("The name %(name)s has no A or AAAA record."),
    "dns_error": gettext_lazy("The DNS lookup of %(name)s failed."),
    "blocked": gettext_lazy("The security policy does not let probes connect to this address."),
    "tls_expired": gettext_lazy("The certificate has expired or is not valid yet."),
    "tls_hostname_mismatch": gettext_lazy("The certificate is not valid for this name."),
    "tls_untrusted_issuer": gettext_lazy(
        "The certificate is not signed by a trusted authority: it may have been replaced."
    ),
    "tls_verification_failed": gettext_lazy("The certificate could not be verified."),
    "tls_handshake": gettext_lazy("The TLS handshake failed."),
    "tls_unexpected_certificate": gettext_lazy(
        "The certificate is not the expected one (issuer or fingerprint): it may have been "
        "replaced."
    ),
    "http_status": gettext_lazy("The server answered HTTP %(status)s."),
    "http_redirects": gettext_lazy("More than %(limit)s redirects."),
    "http_invalid": gettext_lazy("The answer was not valid HTTP."),
    "udp_closed": gettext_lazy("The UDP port is closed (ICMP port unreachable)."),
    "udp_no_reply": gettext_lazy("No UDP reply: the port is open or silently filtered."),
    "no_icmp": gettext_lazy("This server may not send ICMP (no ping permission)."),
    "crashed": gettext_lazy("The check failed on this server."),
    "interrupted": gettext_lazy("The run was interrupted (server restart)."),
}
_HOSTS_FILE_TOO = gettext_lazy("%(hosts_file)s was read first and does not list it either.")


def fix_issue_for(outcome: str, *, item_issue: Issue | None = None, target=None) -> Issue | None:
    """The fix linked to this checklist item, else one linked to the same target; else None."""
    if not is_failure(outcome):
        return None
    if item_issue is not None:
        return item_issue
    if target is None:
        return None
    linked = (
        ChecklistItem.objects.filter(
            target__kind=target.kind,
            target__host=target.host,
            target__port=target.port,
            issue__isnull=False,
        )
        .select_related("issue")
        .order_by("pk")
        .first()
    )
    return linked.issue if linked else None


def reason_fields(result) -> dict:
    """What a CheckResult stores of its reason: the technical text, the code, its parameters."""
    fields = {"reason": result.reason} if result.reason else {}
    if result.code:
        fields["reason_code"] = result.code
        fields["reason_params"] = {k: v for k, v in result.params.items() if v not in ("", None)}
    return fields


def explanation(outcome: str) -> str:
    """The plain-language meaning of an outcome."""
    try:
        return str(EXPLANATIONS[Outcome(outcome)])
    except ValueError:
        return ""


def reason_text(details: dict, *, outcome: str = "") -> str:
    """The check's own reason, translated where it has a code; else its technical text.

    An invalid target stores the parser's English sentence, not a code: it is worded in
    the reader's language here (technical_words.py).
    """
    if outcome == Outcome.INVALID:
        return technical_words.invalid_reason(details.get("reason", ""))
    code = details.get("reason_code", "")
    params = details.get("reason_params") or {}
    if code in REASONS:
        try:
            text = str(REASONS[code]) % params if "%(" in str(REASONS[code]) else str(REASONS[code])
        except (KeyError, TypeError, ValueError):
            text = str(REASONS[code])
        if code.startswith("dns_") and params.get("hosts_file"):
            text = f"{text} {_HOSTS_FILE_TOO % {'hosts_file': params['hosts_file']}}"
        return text
    return details.get("reason", "")


def result_text(row) -> str:
    """A stored result's explanation, in the active language."""
    return explanation_text(row.outcome, details=row.details or {}, fix_issue=row.fix_issue)


def explanation_text(outcome: str, *, details: dict, fix_issue: Issue | None = None) -> str:
    """Meaning, reason and fix as plain text (alerts, the command line, the API)."""
    parts = [explanation(outcome)]
    reason = reason_text(details, outcome=outcome)
    if reason:
        parts.append(_("Reason: %(why)s") % {"why": reason})
    if fix_issue is not None:
        parts.append(
            _("Fix: %(title)s (%(url)s)")
            % {"title": fix_issue.title, "url": fix_issue.get_absolute_url()}
        )
    return "\n".join(part for part in parts if part)
