from issues.search.highlight import highlight, highlight_needles, snippet


def test_marks_the_original_traditional_and_full_width_text():
    html = str(highlight("打開ＭＤＭ描述文件", ["mdm", "打开"]))
    assert html == "<mark>打開ＭＤＭ</mark>描述文件"  # adjacent hits merge


def test_escapes_before_marking():
    html = str(highlight('<img src=x onerror="a">登录', ["登录"]))
    assert html == "&lt;img src=x onerror=&quot;a&quot;&gt;<mark>登录</mark>"


def test_snippet_picks_the_text_and_window_with_most_hits():
    long_text = "无关内容" * 60 + "证书安装失败，证书过期"
    html, plain = snippet(["没有命中", long_text], ["证书"], length=40)
    assert str(html).count("<mark>证书</mark>") == 2
    assert plain.startswith("…")


def test_single_letters_are_not_highlighted():
    assert highlight_needles({"a", "ip", "登", "1"}) == ["ip", "1"]


ENDPOINTS = """请先按以下表格放通防火墙。

| 域名 | 端口 | 用途 |
|---|---|---|
| conn.example.com | TCP: 443 | 信令接入 |
| sso.example.com | TCP: 80, 443 | 登录 |

如果仍然失败，请联系管理员。端口被防火墙拦截时，登录会超时。"""


def test_a_snippet_starts_at_a_sentence_and_never_mid_table():
    _, plain = snippet([ENDPOINTS], ["超时"], length=60)
    assert plain.startswith("如果仍然失败") or plain.startswith("sso.example.com")
    _, plain = snippet([ENDPOINTS], ["sso"], length=60)
    assert plain.startswith("sso.example.com · TCP: 80, 443 · 登录;")
    assert "|" not in plain and "---" not in plain


def test_a_hit_deep_in_a_long_sentence_starts_the_snippet_just_before_it():
    text = "开头" + "很长的一句话没有标点" * 30 + "关键字在这里。下一句。"
    _, plain = snippet([text], ["关键字"], length=60)
    assert plain.startswith("…") and "关键字" in plain[:30]
