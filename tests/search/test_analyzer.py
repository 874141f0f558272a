from issues.search.analyzer import analyze, analyze_query, ascii_tokens, fold, fold_with_offsets


def test_fold_applies_nfkc_traditional_to_simplified_and_lowercase():
    assert fold("ＡＢＣ１２３") == "abc123"
    assert fold("客戶端登錄不了，連接逾時") == "客户端登录不了,连接逾时"


def test_fold_with_offsets_maps_back_to_the_original():
    original = "登錄ＩＰ"
    folded, offsets = fold_with_offsets(original)
    assert folded == "登录ip"
    assert [original[i] for i in offsets] == ["登", "錄", "Ｉ", "Ｐ"]


def test_fold_with_offsets_when_characters_expand_or_shrink():
    # Full-width punctuation folds one to one; "…" and "①" grow under NFKC.
    original = "登錄失敗……請重試①次（ＳＤＫ）"
    folded, offsets = fold_with_offsets(original)
    assert folded == fold(original)
    assert len(offsets) == len(folded)
    assert folded.index("sdk") == offsets.index(original.index("Ｓ"))
    dots = original.index("…")
    assert [offsets[i] for i, c in enumerate(folded) if c == "."] == [dots] * 3 + [dots + 1] * 3
    assert original[offsets[folded.index("1")]] == "①"


def test_camel_case_constant_gives_word_parts_and_adjacent_pairs():
    tokens = ascii_tokens("kTMSDKErrorTokenVerifyFailed")
    assert tokens[0] == "ktmsdkerrortokenverifyfailed"
    for part in ("k", "tmsdk", "error", "token", "verify", "failed", "tokenverify"):
        assert part in tokens


def test_user_dictionary_splits_lowercase_words_like_their_camel_case_form():
    assert {"sdk", "token"} <= set(ascii_tokens("sdktoken"))
    assert "sdktoken" in ascii_tokens("refreshSDKToken")
    assert ascii_tokens("iOS") == ["ios"]


def test_numbers_lose_their_sign_and_leading_zeros():
    assert "1019" in analyze("错误码 -1019")
    assert "-1019" not in analyze("错误码 -1019")
    assert ascii_tokens("007") == ["7"]


def test_chinese_gives_words_and_overlapping_bigrams():
    tokens = analyze("扫描二维码下载")
    assert {"扫描", "二维码", "下载"} <= set(tokens)  # jieba words (user dictionary keeps 二维码)
    assert {"描二", "码下"} <= set(tokens)  # bigrams across word boundaries


def test_user_dictionary_keeps_domain_words_whole():
    assert "管控平台" in analyze("在管控平台配置外网地址")
    assert "描述文件" in analyze("安装MDM描述文件")


def test_query_terms_drop_stopwords_and_keep_positions():
    folded, terms = analyze_query("请问 扫码下载没有IP端口怎么办")
    surfaces = [t.surface for t in terms]
    assert surfaces == ["扫码", "下载", "没有", "ip", "端口"]
    assert all(folded[t.start : t.end] == t.surface for t in terms)


def test_traditional_query_meets_simplified_index():
    _, terms = analyze_query("連接超時")
    assert set().union(*(t.tokens for t in terms)) & set(analyze("连接超时"))
