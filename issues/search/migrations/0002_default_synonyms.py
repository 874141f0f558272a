"""Synonyms helpdesk staff rely on from day one, and who may edit them.

Editors maintain the list in the admin; these are only the starting set: the
colloquial and the written form of a complaint, Chinese and English names of the
same thing, and the common typing slips (登陆 for 登录, 二唯码 for 二维码).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DEFAULT_SYNONYMS = [
    ("扫码, 扫描二维码, 扫二维码", "colloquial"),
    ("二维码, 二唯码, 二维吗, qr码, qrcode", "typos and English"),
    ("苹果, ios, iphone, ipad", "platform names"),
    ("安卓, android", "platform names"),
    ("登不上, 登录失败, 登录不了, 无法登录, 登不进去, 登陆不上, 登录不上", "colloquial"),
    ("登陆, 登录, login", "common typo and English"),
    ("连不上, 连接超时, 连接不上, 无法连接, 连接失败, 连不通", "colloquial"),
    ("超时, timeout, 逾时", "English and Taiwan usage"),
    ("装不上, 安装失败, 装不了, 无法安装, 安装不了, 安装不上", "colloquial"),
    ("下载不了, 下载失败, 无法下载, 下不了, 下载不下来", "colloquial"),
    ("没声音, 无声音, 没有声音, 静音", "colloquial"),
    ("定位不了, 无法定位, 无法被定位, 定位失败", "colloquial"),
    ("不受信任, 未受信任, 不信任, untrusted", "colloquial and English"),
    ("证书, certificate, cert", "English"),
    ("过期, 失效, expired", "English"),
    ("令牌, token", "English"),
    ("推送, push, 通知", "English"),
    ("描述文件, profile, 配置文件", "English"),
    ("防火墙, firewall", "English"),
    ("代理, proxy, 翻墙, vpn, 梯子", "colloquial"),
    ("启动画面, 启动页, 启动页面, 闪屏, 开屏, 欢迎页", "colloquial"),
    ("解绑, 解除绑定, unbind", "colloquial"),
    ("换账号, 更换账号, 切换账号, 换号, 换个账号", "colloquial"),
    ("权限, permission, 没权限, 无权限", "English"),
    ("日志, log, logs", "English"),
    ("服务器, 服务端, 后台, server", "colloquial"),
    ("地址, url, 网址, 链接", "colloquial"),
    ("手机, 设备, 终端", "colloquial"),
    ("ping不通, 网络不通, 网络测试不通, 不可达", "colloquial"),
    ("重复登录, 重复调用登录, 已经登录", "SDK wording"),
    ("退出登录, logout, 注销", "SDK wording"),
    ("端口, port", "English"),
    ("首页, 主页, 主界面", "colloquial"),
]

EDITOR_PERMISSIONS = [
    "add_synonym",
    "change_synonym",
    "delete_synonym",
    "view_synonym",
    "view_searchlog",
]


def add_defaults(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, note in DEFAULT_SYNONYMS:
        Synonym.objects.get_or_create(terms=terms, defaults={"note": note})

    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="search", codename__in=EDITOR_PERMISSIONS
    )
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.add(*permissions)
    for helpdesk in Group.objects.filter(name="Helpdesk"):
        helpdesk.permissions.add(*permissions.filter(codename="view_synonym"))


def remove_defaults(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(terms__in=[terms for terms, _ in DEFAULT_SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("issues", "0002_editor_and_helpdesk_groups")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
