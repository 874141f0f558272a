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
