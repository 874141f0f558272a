"""Editorial corrections the shipped fixtures make to the source documents' wording.

The sources have typing slips (doubled characters, 不同 for 不通) and one pointer to a
screenshot that is not part of the text. The fixtures correct them; every test that
compares shipped content with a source applies exactly these corrections to the
source side, so any other difference still fails.
"""

FAQ_ERRATA = {
    "内网的的": "内网的",
    "服务器器": "服务器",
    "网络测试不同": "网络测试不通",
    # The source points at a screenshot of the prompt; the prompt is the entry's title.
    "都会提示如下信息": "都会提示“未受信任的企业开发者证书”",
}


def corrected(text: str) -> str:
    for slip, fix in FAQ_ERRATA.items():
        text = text.replace(slip, fix)
    return text
