"""The shipped checklists match the source documents."""

from collections import defaultdict

import pytest

from probes.models import Checklist

# The SDK guide's firewall table (004_9b5b1c46d8420441.txt, step 2), as written.
SDK_FIREWALL_TABLE = [
    ("conn.wemeet.tencent.com", "TCP: 443", "信令接入"),
    ("XXXX.sso.meeting.qq.com", "TCP: 80, 443", "sso登录 (根据企业SSO域名实际填写)"),
    ("XXXX.id.meeting.qq.com", "TCP: 80, 443", "sso登录 (根据企业SSO域名实际填写)"),
    ("work.medialab.qq.com", "TCP: 80, 443", "接入类"),
    ("quic.conn.wemeet.qq.com", "UDP+TCP: 80, 443, 8080", "信令接入"),
    ("cdn.meeting.tencent.com", "TCP: 80, 443", "资源类"),
    ("oth.eve.mdt.qq.com", "TCP: 8081", "代理"),
    ("ten.sngapm.qq.com", "TCP: 80, 443", "安全"),
    ("report.meeting.tencent.com", "TCP: 80, 443", "数据类"),
    ("updatecdn.meeting.qq.com", "TCP: 80, 443", "下载更新"),
]


def _expected_checks(ports_text: str) -> set[tuple[str, int]]:
    protocols, _, ports = ports_text.partition(": ")
    return {
        (protocol.lower(), int(port))
        for protocol in protocols.split("+")
        for port in ports.split(", ")
    }


pytestmark = pytest.mark.usefixtures("shipped_content")


def test_sdk_firewall_checklist_has_the_ten_rows_with_their_ports():
    checklist = Checklist.objects.get(slug="sdk-firewall")
    rows = defaultdict(set)
    purposes = defaultdict(set)
    order = []
    for item in checklist.ordered_items():
        host = item.target.host.replace("{sso_prefix}", "XXXX")
        if host not in order:
            order.append(host)
        rows[host].add((item.target.kind, int(item.target.port)))
        purposes[host].add(item.description)
    assert order == [host for host, _, _ in SDK_FIREWALL_TABLE]
    for host, ports_text, purpose in SDK_FIREWALL_TABLE:
        assert rows[host] == _expected_checks(ports_text), host
        assert purposes[host] == {purpose}, host
    assert checklist.items.count() == 22  # 1 + 9 rows × their ports, UDP+TCP expanded


def test_sso_rows_ask_the_operator_for_the_prefix():
    checklist = Checklist.objects.get(slug="sdk-firewall")
    assert checklist.placeholders() == ["sso_prefix"]
    parameter = checklist.parameters.get(name="sso_prefix")
    assert "SSO" in parameter.label


def test_sdk_firewall_is_linked_to_the_procedure_and_network_codes():
    checklist = Checklist.objects.get(slug="sdk-firewall")
    assert list(checklist.issues.values_list("slug", flat=True)) == [
        "sdk-login-network-troubleshooting"
    ]
    codes = set(checklist.error_codes.values_list("product__slug", "code"))
    assert codes == {("meeting-sdk", "-1002"), ("meeting-sdk", "-1005"), ("meeting-sdk", "-1018")}


def test_platform_checklist_covers_dns_apple_push_and_the_external_address():
    checklist = Checklist.objects.get(slug="platform-connectivity")
    targets = [(i.target.kind, i.target.host, i.target.port) for i in checklist.ordered_items()]
    assert ("dns", "api.push.apple.com", "") in targets
    assert ("tcp", "api.push.apple.com", "443") in targets
    assert ("tcp", "{external_host}", "{external_port}") in targets
    assert set(checklist.placeholders()) >= {"external_host", "external_port"}
    slugs = set(checklist.issues.values_list("slug", flat=True))
    assert {
        "network-test-error-code-0",
        "ios-mdm-push-location-device-control-not-working",
        "qr-code-download-address-missing-ip-port",
        "im-server-connecting",
        "client-login-connection-timeout",
    } <= slugs
    dns_item = next(i for i in checklist.ordered_items() if i.target.kind == "dns")
    assert dns_item.issue.slug == "network-test-error-code-0"
