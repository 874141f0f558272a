"""The shipped content holds every fact of both source documents, loaded once.

The expectations are read from unchanged copies of the two seed documents in
tests/data/, so a fact dropped or reworded in the fixtures fails here.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from issues.codes import normalize_code, unsigned_code
from issues.models import Cause, ErrorCode, Fix, Issue, Product, Symptom, Tag
from tests.errata import corrected

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FAQ_SEED = DATA_DIR / "000_b13080b74be439e1.txt"
SDK_SEED = DATA_DIR / "004_9b5b1c46d8420441.txt"

FAQ_PRODUCT = "mobile-platform"
SDK_PRODUCT = "meeting-sdk"
PROCEDURE_SLUG = "sdk-login-network-troubleshooting"
FAQ_SLUGS = [
    "qr-code-download-address-missing-ip-port",
    "ios-safari-client-download-fails",
    "network-test-error-code-0",
    "ios-mdm-push-location-device-control-not-working",
    "im-server-connecting",
    "client-splash-screen-setup",
    "login-error-2004-no-access-permission",
    "ios-mdm-certificate-install-fails",
    "ios-untrusted-enterprise-developer",
    "client-login-connection-timeout",
    "device-bound-to-previous-account",
]

# The only wording the fixtures change on purpose: slips in the FAQ source.


@pytest.fixture(scope="module")
def _shipped_once(django_db_setup, django_db_blocker):
    """The shipped content, loaded once for this module as `make run` loads it.

    Loading per test (the `shipped_content` fixture) costs ~0.6 s each; these checks
    only read, so one load inside a transaction, rolled back afterwards, serves them
    all. Each test still runs in its own savepoint (the `db` fixture).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_shipped_content", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def content(_shipped_once, db):
    """Per-test access to the content loaded once for the module."""


pytestmark = pytest.mark.usefixtures("content")


def letters(text: str) -> str:
    """Letters and digits only: compares wording while ignoring punctuation and Markdown."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


# --- reading the FAQ seed -------------------------------------------------------------

FAQ_HEADING = re.compile(r"^##\s*([0-9０-９]+)\.\s*(.+)$")
FAQ_FIELD = re.compile(r"\*\*(问题现象|问题描述|问题原因|解决方法)\*\*：")
NUMBERED_ITEM = re.compile(r"^\s*\d+、", re.MULTILINE)


@dataclass
class FaqEntry:
    number: int
    heading: str
    symptom: str | None = None
    causes: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    numbered: bool = False

    @property
    def source(self) -> str:
        return f"{FAQ_SEED.name}#{self.number}"


def _items(content: str) -> tuple[list[str], bool]:
    """A field's items: one per "1、", "2、" … at a line start, else the whole field."""
    content = content.strip()
    if not NUMBERED_ITEM.match(content):
        return [content], False
    return [item.strip() for item in NUMBERED_ITEM.split(content) if item.strip()], True


def parse_faq() -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    for block in re.split(r"^(?=## )", FAQ_SEED.read_text(encoding="utf-8"), flags=re.M):
        first_line, _, body = block.partition("\n")
        heading = FAQ_HEADING.match(first_line)
        if not heading:
            continue
        entry = FaqEntry(int(unicodedata.normalize("NFKC", heading[1])), heading[2].strip())
        fields = list(FAQ_FIELD.finditer(body))
        for match, following in zip(fields, [*fields[1:], None], strict=True):
            content = body[match.end() : following.start() if following else None]
            if match[1] in ("问题现象", "问题描述"):
                entry.symptom = content.strip()
            elif match[1] == "问题原因":
                entry.causes, numbered = _items(content)
                entry.numbered = entry.numbered or numbered
            else:
                entry.fixes, _numbered = _items(content)
        entries.append(entry)
    return entries


FAQ_ENTRIES = parse_faq()


# --- reading the SDK seed -------------------------------------------------------------

SDK_LINES = SDK_SEED.read_text(encoding="utf-8").splitlines()
CODE_ROW = re.compile(r"^(kTMSDKError\w+) \| (-\d+) \| (.+?) \| (.+?) \|$")
ENDPOINT_ROW = re.compile(r"^([\w.-]+\.com) \| (.+?) \| (.+?) \|$")
STEP_LINE = re.compile(r"^(\d)、 (?!-\d+错误码)(.+)$")
CASE_LINE = re.compile(r"^\d\)(.+)$")
CLASSIFICATION = re.compile(r"和网络相关的错误码一般是(.+?),非网络相关的有(.+)$")


@dataclass(frozen=True)
class SdkCode:
    constant: str
    code: str
    description: str
    callbacks: str


SDK_CODES = [SdkCode(*m.groups()) for line in SDK_LINES if (m := CODE_ROW.match(line))]
ENDPOINTS = [m.groups() for line in SDK_LINES if (m := ENDPOINT_ROW.match(line))]


def classification_from_seed() -> dict[str, str]:
    sentence = next(m for line in SDK_LINES if (m := CLASSIFICATION.search(line)))
    network = set(re.findall(r"-\d+", sentence[1]))
    non_network = set(re.findall(r"-\d+", sentence[2]))
    return {
        code: "both"
        if code in network & non_network
        else "network"
        if code in network
        else "non_network"
        for code in network | non_network
    }


def issue_text(issue: Issue) -> str:
    parts = [issue.title, issue.summary]
    parts += [s.text for s in issue.symptoms.all()]
    parts += [c.text for c in issue.causes.all()]
    parts += [f.body for f in issue.fixes.all()]
    return "\n".join(parts)


def test_the_seed_copies_parse_completely():
    """Guards the parsers below: a parse that finds nothing would prove nothing."""
    assert [entry.number for entry in FAQ_ENTRIES] == list(range(1, 12))
    assert len(SDK_CODES) == 7
    assert len(ENDPOINTS) == 10


# --- the mobile platform FAQ ----------------------------------------------------------


@pytest.mark.parametrize("entry", FAQ_ENTRIES, ids=lambda e: f"entry{e.number}")
def test_each_faq_entry_is_a_published_public_issue(entry):
    issue = Issue.objects.get(source=entry.source)
    assert issue.slug == FAQ_SLUGS[entry.number - 1]
    assert issue.product.slug == FAQ_PRODUCT
    assert issue.is_public
    assert issue.published_at is not None
    assert issue.summary


@pytest.mark.parametrize("entry", FAQ_ENTRIES, ids=lambda e: f"entry{e.number}")
def test_faq_causes_and_fixes_are_kept_word_for_word_in_order(entry):
    issue = Issue.objects.get(source=entry.source)
    assert [letters(c.text) for c in issue.causes.all()] == [
        letters(corrected(text)) for text in entry.causes
    ]
    assert [letters(f.body) for f in issue.fixes.all()] == [
        letters(corrected(text)) for text in entry.fixes
    ]


@pytest.mark.parametrize("entry", FAQ_ENTRIES, ids=lambda e: f"entry{e.number}")
def test_faq_symptom_and_original_heading_are_kept(entry):
    issue = Issue.objects.get(source=entry.source)
    symptoms = [s.text for s in issue.symptoms.all()]
    searchable = letters(issue.summary + "\n".join(symptoms))
    assert letters(corrected(entry.heading)) in searchable
    if entry.symptom:
        assert letters(corrected(entry.symptom)) in searchable
    if entry.symptom or entry.causes:
        assert symptoms, "an entry describing a problem needs what the user sees"
    else:
        assert symptoms == [], "a how-to entry has no symptom in the source"


def test_entry_without_symptom_section_uses_its_heading_as_the_symptom():
    entry_7 = FAQ_ENTRIES[6]
    assert entry_7.symptom is None
    issue = Issue.objects.get(slug="login-error-2004-no-access-permission")
    assert [s.text for s in issue.symptoms.all()] == [entry_7.heading]


@pytest.mark.parametrize(
    "entry", [e for e in FAQ_ENTRIES if e.numbered], ids=lambda e: f"entry{e.number}"
)
def test_numbered_fixes_are_tied_to_the_cause_of_the_same_number(entry):
    issue = Issue.objects.get(source=entry.source)
    causes = list(issue.causes.all())
    fixes = list(issue.fixes.all())
    assert len(causes) == len(fixes) >= 2
    assert [fix.cause_id for fix in fixes] == [cause.pk for cause in causes]


def test_the_numbered_entries_are_4_5_and_8():
    assert [e.number for e in FAQ_ENTRIES if e.numbered] == [4, 5, 8]


def test_entry_8_pairs_each_fix_with_its_cause():
    issue = Issue.objects.get(slug="ios-mdm-certificate-install-fails")
    cause_1, cause_2 = issue.causes.all()
    fix_1, fix_2 = issue.fixes.all()
    assert "管理端MDM参数配置" in cause_1.text
    assert "登录过其他环境或者相同环境下的不同账号" in cause_2.text
    assert fix_1.cause == cause_1
    assert fix_2.cause == cause_2
    for phrase in (
        "【系统管理】-【系统参数配置】",
        "“已配置”",
        "“MDM管理平台地址”",
        "申请SSL证书的IP地址",
    ):
        assert phrase in fix_1.body
    assert "手动删除原来的证书，重新安装MDM描述文件" in fix_2.body
    assert "“证书安装失败”" in issue.symptoms.first().text


def test_entry_4_has_its_two_causes_in_order():
    issue = Issue.objects.get(slug="ios-mdm-push-location-device-control-not-working")
    texts = [c.text for c in issue.causes.all()]
    assert len(texts) == 2
    assert "没有安装MDM描述文件" in texts[0]
    assert "PNS模块必须能访问到苹果的推送服务器" in texts[1]
    fix_texts = [f.body for f in issue.fixes.all()]
    assert "正确安装mdm描述文件" in fix_texts[0]
    assert "开通外网访问权限" in fix_texts[1]


def test_entry_6_is_a_fix_without_symptom_or_cause():
    issue = Issue.objects.get(slug="client-splash-screen-setup")
    assert not issue.causes.exists()
    (fix,) = issue.fixes.all()
    assert fix.cause is None
    assert "机构管理员-系统管理-机构设置-终端启动画面" in fix.body


VERBATIM = {
    "qr-code-download-address-missing-ip-port": ["【引擎系统管理】-【管控平台】", "【管控平台】"],
    "ios-safari-client-download-fails": [
        "/home/mplus/mplus/tomcat/conf",
        "mplus.keystore",
        "server.xml",
        "Safari",
    ],
    "network-test-error-code-0": ["错误码0", "DNS"],
    "ios-mdm-push-location-device-control-not-working": ["MDM描述文件", "PNS"],
    "im-server-connecting": ["“IM服务器连接中”"],
    "client-splash-screen-setup": ["机构管理员-系统管理-机构设置-终端启动画面"],
    "login-error-2004-no-access-permission": [
        "/home/exmobi/exmobi/log/bcs-run.log",
        "“2004”",
        "没有权限接入，联系管理员",
    ],
    "ios-mdm-certificate-install-fails": [
        "【系统管理】-【系统参数配置】",
        "“证书安装失败”",
        "“已配置”",
        "“MDM管理平台地址”",
    ],
    "ios-untrusted-enterprise-developer": [
        "【设置】-【通用】-【描述文件与设备管理】",
        "“未受信任的企业开发者证书”",
        "“企业级应用”",
    ],
    "client-login-connection-timeout": ["网络测试按钮", "机构编码"],
    "device-bound-to-previous-account": ["更多-安全设置-解除设备绑定", "方可更换账号登录。"],
}


@pytest.mark.parametrize("slug", FAQ_SLUGS)
def test_paths_menus_and_labels_appear_verbatim(slug):
    text = issue_text(Issue.objects.get(slug=slug))
    for phrase in VERBATIM[slug]:
        assert phrase in text


def test_paths_are_code_spans_in_the_fix_markdown():
    fix = Issue.objects.get(slug="ios-safari-client-download-fails").fixes.get()
    assert "Key文件位置：`/home/mplus/mplus/tomcat/conf`下面" in fix.body
    assert "1. 到正规的受信任机构申请证书（需要付费）" in fix.body


def test_the_faq_error_codes_explain_themselves_and_link_their_issue():
    codes = ErrorCode.objects.filter(product__slug=FAQ_PRODUCT)
    assert sorted(codes.values_list("code", flat=True)) == ["0", "2004"]
    zero = codes.get(code="0")
    assert list(zero.issues.values_list("slug", flat=True)) == ["network-test-error-code-0"]
    assert "网络测试不通" in zero.description
    assert "配置正确的DNS" in zero.fix
    permission = codes.get(code="2004")
    assert list(permission.issues.values_list("slug", flat=True)) == [
        "login-error-2004-no-access-permission"
    ]
    assert "没有权限接入，联系管理员" in permission.description
    assert "bcs与ark连接失败" in permission.fix
    assert "/home/exmobi/exmobi/log/bcs-run.log" in permission.fix
    # The FAQ does not say whether these are network related.
    assert {zero.network_relation, permission.network_relation} == {""}


@pytest.mark.parametrize(
    ("slug", "related"),
    [
        ("qr-code-download-address-missing-ip-port", {"ios-safari-client-download-fails"}),
        (
            "ios-safari-client-download-fails",
            {
                "qr-code-download-address-missing-ip-port",
                "ios-mdm-certificate-install-fails",
                "ios-untrusted-enterprise-developer",
            },
        ),
        ("network-test-error-code-0", {"client-login-connection-timeout"}),
    ],
)
def test_related_issues_link_both_ways(slug, related):
    issue = Issue.objects.get(slug=slug)
    assert set(issue.related.values_list("slug", flat=True)) == related
    for other in related:
        assert Issue.objects.get(slug=other).related.filter(slug=slug).exists()


# --- the meeting SDK guide ------------------------------------------------------------


def test_minus_1019_is_exactly_as_the_guide_writes_it():
    code = ErrorCode.objects.get(product__slug=SDK_PRODUCT, code="-1019")
    assert code.constant == "kTMSDKErrorTokenVerifyFailed"
    assert code.description == (
        "sdktoken校验失败,可能是登录时sdktoken过期或使用时sdktoken失效,需要refreshSDKToken后再登录"
    )
    assert code.callbacks == "onResetSDKState()、onLogin()"
    assert code.callback_list() == ["onResetSDKState()", "onLogin()"]


@pytest.mark.parametrize("row", SDK_CODES, ids=lambda row: row.code)
def test_every_sdk_code_matches_its_table_row_verbatim(row):
    code = ErrorCode.objects.get(product__slug=SDK_PRODUCT, code=row.code)
    assert (code.constant, code.description, code.callbacks) == (
        row.constant,
        row.description,
        row.callbacks,
    )
    assert code.fix, "every code says what to do"


def test_the_sdk_product_has_exactly_the_codes_of_the_table():
    stored = set(ErrorCode.objects.filter(product__slug=SDK_PRODUCT).values_list("code", flat=True))
    assert stored == {row.code for row in SDK_CODES}


def test_network_classification_is_as_the_guide_gives_it():
    expected = {
        "-1002": "both",
        "-1005": "network",
        "-1018": "network",
        "-1012": "non_network",
        "-1017": "non_network",
        "-1019": "non_network",
        "-1021": "non_network",
    }
    assert classification_from_seed() == expected
    stored = dict(
        ErrorCode.objects.filter(product__slug=SDK_PRODUCT).values_list("code", "network_relation")
    )
    assert stored == expected
    both = ErrorCode.objects.get(product__slug=SDK_PRODUCT, code="-1002")
    assert both.is_network_related and both.is_non_network_related


def test_network_related_codes_link_the_procedure_and_no_others_do():
    for code in ErrorCode.objects.filter(product__slug=SDK_PRODUCT):
        linked = list(code.issues.values_list("slug", flat=True))
        assert linked == ([PROCEDURE_SLUG] if code.is_network_related else []), code.code


@pytest.mark.parametrize(
    ("code", "phrases"),
    [
        ("-1002", ["Token is expired", "ID Token过期", "有效期内的ID Token进行登录"]),
        ("-1005", ["请与官方联系"]),
        ("-1012", ["当前SDK已经登录了", "增加判断SDK是否已登录的逻辑"]),
        ("-1017", ["在收到登录结果回调之前不要重复调用登录"]),
        (
            "-1019",
            [
                "SDK Token已过期",
                "向APP后台申请新的SDK Token",
                "`refreshSDKToken`接口刷新",
                "重新登录",
            ],
        ),
        (
            "-1021",
            ["没有先调用logout退出上一个账号", "先调用`logout`接口", "`login`接口登录新的账号"],
        ),
    ],
)
def test_per_code_fixes_from_the_guide(code, phrases):
    fix = ErrorCode.objects.get(product__slug=SDK_PRODUCT, code=code).fix
    for phrase in phrases:
        assert phrase in fix


def test_the_procedure_issue_keeps_the_prerequisite_and_classification():
    issue = Issue.objects.get(slug=PROCEDURE_SLUG)
    assert issue.source == f"{SDK_SEED.name}#procedure"
    assert issue.product.slug == SDK_PRODUCT
    assert issue.is_public
    assert letters(SDK_LINES[0]) in letters(issue.summary)
    assert "防火墙配置腾讯会议域名和IP指引 - 腾讯会议帮助中心" in issue.summary
    assert "和网络相关的错误码一般是-1002、-1005和-1018" in issue.summary
    assert "非网络相关的有-1002、-1012、-1017、-1019和-1021" in issue.summary
    symptoms = " ".join(s.text for s in issue.symptoms.all())
    for code in ("-1002", "-1005", "-1018", "URL和IP"):
        assert code in symptoms


def test_the_procedure_has_the_four_steps_in_order():
    fixes = list(Issue.objects.get(slug=PROCEDURE_SLUG).fixes.all())
    steps = [m[2] for line in SDK_LINES if (m := STEP_LINE.match(line))]
    assert len(steps) == len(fixes) == 4
    for step, fix in zip(steps, fixes, strict=True):
        assert letters(step) in letters(fix.body)
        assert fix.cause is None


def test_step_2_holds_the_endpoint_table_as_markdown():
    step_2 = Issue.objects.get(slug=PROCEDURE_SLUG).fixes.all()[1].body
    assert "| URL | 端口 | 描述 |" in step_2
    for host, ports, purpose in ENDPOINTS:
        assert f"| {host} | {ports} | {purpose} |" in step_2
    assert "| quic.conn.wemeet.qq.com | UDP+TCP: 80, 443, 8080 | 信令接入 |" in step_2
    assert step_2.count("(根据企业SSO域名实际填写)") == 2
    after_table = SDK_LINES[
        SDK_LINES.index("updatecdn.meeting.qq.com | TCP: 80, 443 | 下载更新 |") + 1
    ]
    assert letters(after_table) in letters(step_2)


def test_step_4_lists_the_three_common_cases():
    step_4 = Issue.objects.get(slug=PROCEDURE_SLUG).fixes.all()[3].body
    cases = [m[1] for line in SDK_LINES if (m := CASE_LINE.match(line))]
    assert len(cases) == 3
    for case in cases:
        assert letters(case) in letters(step_4)
    for name in ("IP或者URL不通", "IPV4/IPV6网络完全不通", "HTTPS证书被替换"):
        assert name in step_4


# --- the content as a whole -----------------------------------------------------------


def test_products_are_the_two_documents():
    assert set(Product.objects.values_list("slug", flat=True)) == {FAQ_PRODUCT, SDK_PRODUCT}
    assert Issue.objects.filter(product__slug=FAQ_PRODUCT).count() == 11
    assert Issue.objects.filter(product__slug=SDK_PRODUCT).count() == 1


def test_stored_code_columns_equal_the_computed_ones():
    """loaddata skips ErrorCode.save(), so the fixtures carry these columns themselves."""
    for code in ErrorCode.objects.all():
        assert code.normalized_code == normalize_code(code.code)
        assert code.unsigned_code == unsigned_code(code.normalized_code)
    assert ErrorCode.objects.for_code("错误码-1019").get().constant == (
        "kTMSDKErrorTokenVerifyFailed"
    )
    assert ErrorCode.objects.for_code("2004").get().product.slug == FAQ_PRODUCT


def test_every_shipped_row_is_valid():
    for model in (Product, Tag, Issue, Symptom, Cause, Fix, ErrorCode):
        for row in model.objects.all():
            row.full_clean()
    # loaddata writes the fixtures' own dates (auto_now is skipped): they must make sense.
    now = timezone.now()
    for stamped in (*Issue.objects.all(), *ErrorCode.objects.all()):
        assert stamped.created_at <= stamped.updated_at <= now, stamped


def test_new_parts_get_fresh_keys_after_the_shipped_ones():
    """Symptoms, causes and fixes ship with explicit keys: sequences must move past them."""
    issue = Issue.objects.get(slug=PROCEDURE_SLUG)
    shipped = {
        model: set(model.objects.values_list("pk", flat=True)) for model in (Symptom, Cause, Fix)
    }
    symptom = Symptom.objects.create(issue=issue, position=3, text="新增的现象")
    cause = Cause.objects.create(issue=issue, text="新增的原因")
    fix = Fix.objects.create(issue=issue, position=5, cause=cause, body="新增的方法")
    for row in (symptom, cause, fix):
        assert row.pk not in shipped[type(row)]


def test_every_tag_is_used():
    assert not Tag.objects.filter(issues__isnull=True).exists()


MODELS = (Product, Tag, Issue, Symptom, Cause, Fix, ErrorCode)


def test_loading_again_neither_duplicates_nor_overwrites_an_edit():
    """The module fixture made the first load; an admin edit, then `make run` loads again."""
    counts = {model: model.objects.count() for model in MODELS}
    issue = Issue.objects.get(slug="client-login-connection-timeout")
    issue.title = "客户端登录超时（编辑后）"
    issue.save()

    call_command("load_shipped_content", verbosity=0)

    assert {model: model.objects.count() for model in MODELS} == counts
    assert Issue.objects.get(slug="client-login-connection-timeout").title == (
        "客户端登录超时（编辑后）"
    )


def test_every_published_issue_page_renders(client):
    for issue in Issue.objects.published():
        response = client.get(issue.get_absolute_url())
        assert response.status_code == HTTPStatus.OK, issue.slug
        assert issue.title in response.content.decode()


def test_every_code_page_renders(client):
    for code in ErrorCode.objects.all():
        response = client.get(code.get_absolute_url())
        assert response.status_code == HTTPStatus.OK, code.code
        assert code.description in response.content.decode()
