from issues.importer.plain import parse_plain, split_numbered


def test_faq_sections_become_issues_keyed_by_file_and_section(faq_bytes):
    parsed = parse_plain(faq_bytes.decode(), name="faq.txt")
    assert [issue.source for issue in parsed.issues] == [f"faq.txt#{n}" for n in range(1, 12)]
    assert parsed.recognised[0] == "document title “问题列表”"


def test_numbered_causes_pair_with_numbered_fixes(faq_bytes):
    issue = parse_plain(faq_bytes.decode(), name="faq.txt").issues[3]
    assert issue.causes == [
        "MDM功能异常，没有安装MDM描述文件。",
        "IOS推送服务，都是要经过苹果服务器，所以PNS模块必须能访问到苹果的推送服务器才可以。",
    ]
    assert [(fix.body[:6], fix.cause_position) for fix in issue.fixes] == [
        ("正确安装md", 1),
        ("让PNS推送", 2),
    ]


def test_full_width_section_numbers_and_wrap_artefacts(faq_bytes):
    issues = parse_plain(faq_bytes.decode(), name="faq.txt").issues
    assert issues[8].source == "faq.txt#9"  # the source numbers it "９."
    assert issues[8].symptoms[0].startswith("首次安装iOS客户端后")  # labelled 问题描述
    assert "方可更换账号登录。" in issues[10].fixes[0].body  # "登    录" rejoined


def test_numbers_inside_a_paragraph_do_not_split_it(faq_bytes):
    issue = parse_plain(faq_bytes.decode(), name="faq.txt").issues[1]
    assert len(issue.fixes) == 1
    assert "证书的申请方法：1、到正规的受信任机构申请证书（需要付费）；2、" in issue.fixes[0].body
    assert issue.fixes[0].body.endswith("修改相应的证书名和密码就可以了。")


def test_error_codes_named_in_a_section_are_linked_to_it(faq_bytes):
    parsed = parse_plain(faq_bytes.decode(), name="faq.txt")
    assert [c.code for c in parsed.error_codes] == ["0", "2004"]
    assert parsed.issues[2].error_codes == ["0"]
    assert parsed.issues[6].error_codes == ["2004"]


def test_guide_tables_relations_steps_and_explanations(guide_bytes):
    parsed = parse_plain(guide_bytes.decode(), name="guide.txt")
    codes = {c.code: c for c in parsed.error_codes}
    assert list(codes) == ["-1002", "-1005", "-1012", "-1017", "-1018", "-1019", "-1021"]
    assert codes["-1019"].constant == "kTMSDKErrorTokenVerifyFailed"
    assert codes["-1019"].callbacks == "onResetSDKState()、onLogin()"
    assert codes["-1002"].network_relation == "both"
    assert codes["-1018"].network_relation == "network"
    assert codes["-1012"].network_relation == "non_network"
    assert codes["-1019"].fix.startswith("原因是SDK Token已过期")
    assert codes["-1005"].fix is None  # the guide explains no -1005 on its own
    (procedure,) = parsed.issues
    assert procedure.source == "guide.txt#procedure"
    assert procedure.summary.startswith("在排查登录问题前需要先确保防火墙已经配置")
    assert len(procedure.fixes) == 4
    assert "| quic.conn.wemeet.qq.com | UDP+TCP: 80, 443, 8080 | 信令接入 |" in (
        procedure.fixes[1].body
    )
    assert "1. **IP或者URL不通**：定位设备到IP或者URL请求的记录" in procedure.fixes[3].body
    assert procedure.error_codes == ["-1002", "-1005", "-1018"]
    (table,) = parsed.endpoint_tables
    assert len(table.rows) == 10
    assert table.rows[4].protocols_and_ports() == [
        ("udp", 80),
        ("udp", 443),
        ("udp", 8080),
        ("tcp", 80),
        ("tcp", 443),
        ("tcp", 8080),
    ]


def test_unrecognised_text_is_reported_and_stored(guide_bytes):
    parsed = parse_plain(guide_bytes.decode(), name="guide.txt")
    assert any("原创声明" in line for line in parsed.free_text)
    assert "原创声明" in parsed.issues[0].internal_notes


def test_loose_paragraph_in_a_section_is_kept_in_its_notes():
    text = "## 1.登录失败\n\n随便写的一段话。\n\n**问题原因**：密码错误\n\n**解决方法**：重置密码\n"
    parsed = parse_plain(text, name="x.txt")
    (issue,) = parsed.issues
    assert issue.internal_notes == "随便写的一段话。"
    assert parsed.free_text == ["section 1: 随便写的一段话。"]
    assert issue.fixes[0].cause_position == 1


def test_unequal_numbered_lists_are_not_paired():
    text = "## 1.登录失败\n**问题原因**：1、甲\n2、乙\n**解决方法**：1、一\n2、二\n3、三\n"
    (issue,) = parse_plain(text, name="x.txt").issues
    assert [fix.cause_position for fix in issue.fixes] == [None, None, None]


def test_a_document_with_nothing_recognisable_says_so():
    parsed = parse_plain("只是一段话。\n", name="x.txt")
    assert parsed.issues == []
    assert parsed.free_text == ["只是一段话。"]
    assert parsed.warnings


def test_split_numbered_keeps_continuations_with_their_item():
    assert split_numbered(["1、甲", "接着甲", "2、乙"]) == ["甲\n\n接着甲", "乙"]
