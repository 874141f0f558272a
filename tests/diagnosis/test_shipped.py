"""The shipped flows against the two source documents, fact by fact.

Every step and branch names the document lines it comes from (for editors); each
fact a step states must be in the step and in one of those lines.
"""

from pathlib import Path

import pytest

from diagnosis.graph import flow_problems
from diagnosis.models import Branch, Flow, Step
from diagnosis.shipped import load_shipped_flows

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
SDK = "004_9b5b1c46d8420441.txt"
FAQ = "000_b13080b74be439e1.txt"


def norm(text: str) -> str:
    table = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "。": "."})
    return "".join(text.translate(table).split()).lower()


def source_lines(ref: str) -> list[str]:
    document, _, numbers = ref.partition("#")
    lines = (DATA / document).read_text(encoding="utf-8").splitlines()
    return [lines[int(n) - 1] for n in numbers.split(",")]


def step(flow_slug, key) -> Step:
    return Step.objects.get(flow__slug=flow_slug, key=key)


def step_text(s: Step) -> str:
    return " ".join([s.title, s.body, s.reader_text, s.collect, s.send_to])


def assert_traced(s_or_b, fact, text):
    lines = source_lines(s_or_b.source_ref)
    assert norm(fact) in norm(text), f"{fact!r} is not in {s_or_b}"
    assert any(norm(fact) in norm(line) for line in lines), (
        f"{fact!r} is not in {s_or_b.source_ref}: {lines}"
    )


def test_both_flows_load_published_with_a_sound_graph(shipped_content):
    flows = {flow.slug: flow for flow in Flow.objects.all()}
    assert set(flows) == {"sdk-login-failure", "mobile-client-cannot-connect"}
    for flow in flows.values():
        assert flow.status == Flow.Status.PUBLISHED and flow.is_public
        assert flow_problems(flow) == []
        assert flow.history.exists()


def test_loading_again_changes_nothing(shipped_content):
    flow = Flow.objects.get(slug="sdk-login-failure")
    flow.title = "edited by an admin"
    flow.save()
    assert load_shipped_flows() == []
    assert Flow.objects.get(slug="sdk-login-failure").title == "edited by an admin"
    assert Flow.objects.count() == 2


def test_every_step_and_branch_names_existing_source_lines(shipped_content):
    for item in [*Step.objects.all(), *Branch.objects.all()]:
        assert item.source_ref, f"{item} has no source reference"
        document = item.source_ref.partition("#")[0]
        assert document in (SDK, FAQ)
        assert all(line.strip() for line in source_lines(item.source_ref)), item.source_ref


def test_sdk_first_question_lists_every_code_of_the_table_with_its_constant(shipped_content):
    first = Flow.objects.get(slug="sdk-login-failure").start_step
    assert "onLogin()" in first.title
    labels = list(first.branches.all())
    assert [b.label.split()[0] for b in labels] == [
        "-1002",
        "-1005",
        "-1012",
        "-1017",
        "-1018",
        "-1019",
        "-1021",
    ]
    for branch in labels:
        code, constant = branch.label.split()[:2]
        constant = constant.split("：")[0]
        line = source_lines(branch.source_ref)[0]
        assert f"| {code} |" in line and constant in line
    assert_traced(first, "非网络相关的有-1002、-1012、-1017、-1019和-1021", step_text(first))


def test_sdk_network_codes_go_into_the_four_step_procedure(shipped_content):
    first = Flow.objects.get(slug="sdk-login-failure").start_step
    targets = {b.label.split()[0]: b.next_step.key for b in first.branches.all()}
    assert targets["-1018"] == targets["-1005"] == "net-1"
    net2 = step("sdk-login-failure", "net-2")
    assert step("sdk-login-failure", "net-1").branches.get(label="都可达").next_step == net2
    assert net2.kind == "check" and net2.checklist.slug == "sdk-firewall"
    assert net2.checklist.parameters.filter(name="sso_prefix").exists()
    rules = list(net2.branches.all())
    assert [r.condition for r in rules] == ["all_ok", "any_failed", "else"]
    assert rules[0].next_step.key == "net-3"
    assert {"refused", "timeout", "dns_error"} <= set(rules[1].outcomes)
    assert rules[1].next_step.key == "network-path"
    proxy = step("sdk-login-failure", "net-3").branches.get(label__startswith="有").next_step
    assert proxy.fix_fix.body.startswith("确认用户设备是否存在翻墙软件/代理软件")
    assert step("sdk-login-failure", "net-3").branches.get(label="没有").next_step.key == "support"


@pytest.mark.parametrize(
    ("code", "key", "fact"),
    [
        ("-1012", "fix-1012", "需要在登录代码里面增加判断SDK是否已登录的逻辑"),
        ("-1017", "fix-1017", "在收到登录结果回调之前不要重复调用登录"),
        (
            "-1019",
            "fix-1019",
            "需要向APP后台申请新的SDK Token,然后调用SDK的refreshSDKToken接口刷新",
        ),
        ("-1021", "fix-1021", "在切换账号时需要先调用logout接口,然后调用login接口登录新的账号"),
    ],
)
def test_sdk_per_code_fixes(shipped_content, code, key, fact):
    fix = step("sdk-login-failure", key)
    assert fix.kind == "fix" and fix.fix_code.code == code
    first = Flow.objects.get(slug="sdk-login-failure").start_step
    assert first.branches.get(label__startswith=code).next_step == fix
    assert_traced(fix, fact, fix.body)
    # Not solved: these codes are not network related (SDK line 11), so not the four-step
    # network procedure but the escalation for them.
    assert fix.unsolved_step.key == "code-support"


def test_network_codes_not_solved_go_through_steps_1_to_3_before_escalating(shipped_content):
    """SDK line 28: step 4 (collect logs, escalate) is for when 以上方式都排查过 — the
    open URL / ping (1), telnet the endpoint table (2) and proxy software (3) steps.
    Line 11: only -1002, -1005 and -1018 are network related; -1002 alone has fixes."""
    assert "如果以上方式都排查过" in source_lines(f"{SDK}#28")[0]
    net1, net2, net3 = (step("sdk-login-failure", key) for key in ("net-1", "net-2", "net-3"))
    assert_traced(net1, "需要在机器上的系统浏览器打开URL,并ping里面的IP", net1.body)
    assert net1.branches.get(label="都可达").next_step == net2
    assert_traced(net2, "telnet命令确认下面表中的URL及端口是否网络可达", step_text(net2))
    assert net2.branches.get(condition="all_ok").next_step == net3
    assert_traced(net3, "确认用户设备是否存在翻墙软件/代理软件", step_text(net3))
    assert net3.branches.get(label="没有").next_step.key == "support"
    assert "和网络相关的错误码一般是-1002、-1005和-1018" in source_lines(f"{SDK}#11")[0]
    fixes = Step.objects.filter(flow__slug="sdk-login-failure", kind="fix")
    network_fixes = fixes.filter(fix_code__code__in=["-1002", "-1005", "-1018"])
    assert set(network_fixes.values_list("key", flat=True)) == {"fix-1002-token", "fix-1002-idaas"}
    for fix in network_fixes:
        assert fix.unsolved_step == net1, fix.key
    for fix in fixes.exclude(pk__in=network_fixes).exclude(key="fix-proxy"):
        assert fix.unsolved_step.key == "code-support", fix.key
    # Only after step 3's proxy fix is escalation next.
    assert step("sdk-login-failure", "fix-proxy").unsolved_step.key == "support"


def test_sdk_1002_token_expired_or_idaas(shipped_content):
    question = step("sdk-login-failure", "code-1002")
    assert "Token is expired" in question.title
    token = question.branches.get(label__contains="Token is expired").next_step
    assert token.fix_code.code == "-1002"
    assert_traced(token, "需要使用在有效期内的ID Token进行登录", token.body)
    idaas = step("sdk-login-failure", "fix-1002-idaas")
    assert_traced(idaas, "登录参数不正确或IDaaS登录跳转存在问题", idaas.body)
    # -1002 is also listed among the network-related codes.
    assert question.branches.filter(next_step__key="net-1").exists()


def test_sdk_escalations_carry_the_common_cases_and_who_to_ask(shipped_content):
    support = step("sdk-login-failure", "support")
    assert support.kind == "escalate"
    for fact in [
        "收集日志提交工单,寻求腾讯会议后台技术支持",
        "定位设备到IP或者URL请求的记录,确认不可达的原因",
        "是否存在对应用或者服务的网络访问限制",
        "需要安全系统供应商介入排查",
        "需要在提单时备注说明清楚",
    ]:
        assert_traced(support, fact, step_text(support))
    for case in ("IP或者URL不通", "IPV4/IPV6网络完全不通", "HTTPS证书被替换"):
        assert case in support.body
    assert "安全系统供应商" in support.send_to
    path = step("sdk-login-failure", "network-path")
    assert_traced(path, "需要客户网络同事确认请求出公网的路径存在的连通问题", step_text(path))


def test_sdk_non_network_codes_escalate_without_the_network_steps(shipped_content):
    """SDK line 11: -1012, -1017, -1019 and -1021 are not network related. When their fix
    did not solve it, the escalation says so and asks for the logs and the session summary
    (line 28's advice), not "if you have checked all the above" (the network steps)."""
    escalation = step("sdk-login-failure", "code-support")
    assert escalation.kind == "escalate" and escalation.unsolved_step is None
    assert_traced(escalation, "非网络相关", escalation.body)
    assert_traced(escalation, "收集日志提交工单,寻求腾讯会议后台技术支持", step_text(escalation))
    for code in ("-1012", "-1017", "-1019", "-1021"):
        assert code in escalation.body
    assert "-1005" not in escalation.body and "-1018" not in escalation.body
    assert "以上方式都排查过" not in step_text(escalation)
    assert "第 4 步" not in escalation.title
    assert "日志" in escalation.collect and "会话摘要" in escalation.collect
    assert escalation.send_to
    came_from = Step.objects.filter(unsolved_step=escalation).values_list("key", flat=True)
    assert set(came_from) == {"fix-1012", "fix-1017", "fix-1019", "fix-1021"}


def test_platform_flow_tells_the_faq_causes_apart(shipped_content):
    first = Flow.objects.get(slug="mobile-client-cannot-connect").start_step
    nexts = {b.label: b.next_step for b in first.branches.all()}
    assert len(nexts) == 7
    qr = step("mobile-client-cannot-connect", "fix-qr")
    assert qr.fix_issue.slug == "qr-code-download-address-missing-ip-port"
    assert_traced(qr, "【管控平台】处填上相应的外网地址和端口", qr.body)
    safari = step("mobile-client-cannot-connect", "fix-safari")
    assert safari.fix_cause.text == "缺乏受信任的证书"
    dns = step("mobile-client-cannot-connect", "fix-dns")
    assert dns.fix_code.code == "0"
    assert_traced(dns, "一般都是因为DNS没有配置或者配置不正确", dns.body)
    timeout = step("mobile-client-cannot-connect", "fix-timeout")
    assert_traced(timeout, "点击网络测试按钮,测试是否能连接到服务端", timeout.body)
    assert timeout.unsolved_step.key == "check-server"
    code_2004 = step("mobile-client-cannot-connect", "fix-2004")
    assert code_2004.fix_code.code == "2004"
    assert_traced(code_2004, "/home/exmobi/exmobi/log/bcs-run.log", code_2004.body)
    mdm_old = step("mobile-client-cannot-connect", "fix-mdm-old")
    assert_traced(mdm_old, "手动删除原来的证书,重新安装MDM描述文件", mdm_old.body)
    mdm_address = step("mobile-client-cannot-connect", "fix-mdm-address")
    assert_traced(mdm_address, "此处的地址ip一定要填写申请SSL证书的IP地址", mdm_address.body)


def test_platform_im_connecting_is_checked_by_a_probe_or_asked(shipped_content):
    check = step("mobile-client-cannot-connect", "check-im")
    assert check.checklist.slug == "platform-connectivity"
    items = list(check.checklist.ordered_items())
    im_item = items[4]
    assert im_item.target.port == "{im_port}" and im_item.target.host == "{external_host}"
    port_rule, ok_rule, otherwise = check.branches.all()
    assert port_rule.item_numbers() == ok_rule.item_numbers() == {5}
    assert port_rule.next_step.fix_cause.text.startswith("IM服务器的ip和端口没有映射出来")
    assert ok_rule.next_step.fix_cause.text == "IM接入服务有问题"
    assert otherwise.next_step.kind == "question"
    port_fix = port_rule.next_step
    assert_traced(port_fix, "映射IM服务器的接入端口", port_fix.body)
    service_fix = ok_rule.next_step
    assert_traced(service_fix, "检查服务器的接入服务,查找服务异常问题", service_fix.body)
