"""What a check can conclude, and what that means for the person reading it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    OK = "ok", _("reachable")
    REFUSED = "refused", _("refused / closed")
    TIMEOUT = "timeout", _("timed out")
    DNS_ERROR = "dns_error", _("DNS error")
    TLS_ERROR = "tls_error", _("TLS / certificate error")
    HTTP_ERROR = "http_error", _("HTTP error")
    OPEN_FILTERED = "open_filtered", _("open | filtered (no reply)")
    UNAVAILABLE = "unavailable", _("not available on this server")
    BLOCKED = "blocked", _("blocked by policy")
    INVALID = "invalid", _("invalid target")


# Outcomes that are not a failure of the network under test.
NEUTRAL_OUTCOMES = frozenset({Outcome.UNAVAILABLE})

# The plain-language meaning of each outcome. Chinese is the source language of
# the shipped fixes; English comes from the translation catalogue.
EXPLANATIONS = {
    Outcome.OK: _("连接正常：服务器能访问该目标。"),
    Outcome.REFUSED: _(
        "目标拒绝了连接（端口未开放、服务未启动，或防火墙主动拒绝）。请确认服务在该端口监听，"
        "并请网络同事确认防火墙/端口映射已放通。"
    ),
    Outcome.TIMEOUT: _(
        "在超时时间内没有响应：通常是防火墙丢弃了数据包、端口没有映射出来，或出公网的路径不通。"
        "请网络同事确认从本服务器出公网的路径。"
    ),
    Outcome.DNS_ERROR: _(
        "域名解析失败：本服务器的 DNS 没有配置或配置不正确，或该域名不存在。"
        "请在服务器上配置正确的 DNS。"
    ),
    Outcome.TLS_ERROR: _(
        "TLS 握手或证书校验失败。若证书签发者与预期不符，"
        "说明 HTTPS 证书可能被替换（被代理或安全设备拦截）：请根据域名确认证书被替换的原因，"
        "找不到原因时请安全系统供应商介入排查。"
    ),
    Outcome.HTTP_ERROR: _(
        "服务器可以连接，但返回了错误的 HTTP 状态（或重定向过多）。请检查该服务本身是否正常。"
    ),
    Outcome.OPEN_FILTERED: _(
        "UDP 没有收到任何回应：端口可能开放，也可能被防火墙静默丢弃，无法区分。"
        "请确认防火墙放通该 UDP 端口；客户端会退回 TCP。"
    ),
    Outcome.UNAVAILABLE: _(
        "本服务器上无法执行这类检查（例如系统不允许发送 ICMP），这不代表网络故障。"
    ),
    Outcome.BLOCKED: _(
        "出于安全策略，探测不会连接内网、回环、链路本地等地址。如确需检查内网目标，"
        "请管理员在 PROBES_ALLOWED_NETWORKS 或 PROBES_ALLOWED_HOSTS 中放行。"
    ),
    Outcome.INVALID: _("目标格式不正确，未执行检查。"),
}


def is_failure(outcome: str) -> bool:
    return outcome != Outcome.OK and outcome not in NEUTRAL_OUTCOMES
