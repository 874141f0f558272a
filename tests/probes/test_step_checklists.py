"""Which step of an issue offers which checklist: the step whose text names its hosts."""

import pytest

from probes.models import Checklist, ChecklistItem, Target
from probes.selectors import checklists_by_step, host_names
from probes.templatetags.probes_steps import step_texts

pytestmark = pytest.mark.django_db


def checklist(slug, *hosts):
    found = Checklist.objects.create(slug=slug, title=slug)
    for position, host in enumerate(hosts, start=1):
        target = Target.objects.create(kind="tcp", host=host, port="443")
        ChecklistItem.objects.create(checklist=found, target=target, position=position)
    return found


def test_host_names_keep_the_fixed_part_of_a_placeholder_name():
    found = checklist(
        "fw", "conn.wemeet.tencent.com", "{sso_prefix}.sso.meeting.qq.com", "{external_host}"
    )
    assert host_names(found) == {"conn.wemeet.tencent.com", "sso.meeting.qq.com"}


def test_a_checklist_sits_at_the_step_naming_most_of_its_hosts():
    firewall = checklist("fw", "conn.wemeet.tencent.com", "{p}.sso.meeting.qq.com", "cdn.x.com")
    push = checklist("push", "api.push.apple.com")
    steps = {
        11: "浏览器打开报错里的 URL，并 ping 里面的 IP",
        12: "用 telnet 确认 conn.wemeet.tencent.com:443、XXXX.sso.meeting.qq.com:443 可达",
        13: "如果 CONN.WEMEET.TENCENT.COM 仍不通，提交工单",
    }
    placed = checklists_by_step(steps, [firewall, push])
    assert placed == {12: [firewall]}  # push: no step names api.push.apple.com


def test_a_tie_goes_to_the_first_step():
    only = checklist("one", "api.push.apple.com")
    steps = {5: "检查 api.push.apple.com", 6: "再检查 api.push.apple.com"}
    assert checklists_by_step(steps, [only]) == {5: [only]}


def test_step_texts_read_each_step_from_the_page_fragment():
    content = (
        '<p>原因：conn.wemeet.tencent.com 不通</p><ol class="steps">'
        '<li class="step" id="step-1"><div class="prose"><p>第一步 &amp; ping</p></div>'
        "<!--kb:step-tools:7--></li>"
        '<li class="step" id="step-2"><div class="prose"><p>telnet <code>a.b.com</code></p></div>'
        "<!--kb:step-tools:9--></li></ol>"
    )
    texts = step_texts(content)
    assert list(texts) == [7, 9]
    assert "第一步 & ping" in texts[7]
    assert "conn.wemeet" not in texts[7]  # the cause's text is not the step's
    assert "a.b.com" in texts[9]
