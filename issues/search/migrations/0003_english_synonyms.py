"""English words staff type for Chinese content (the shipped entries are Chinese).

Only a starting set, like 0002: editors extend it in the admin.
"""

from django.db import migrations

ENGLISH_SYNONYMS = [
    ("qr code, 二维码", "English"),
    ("address, 地址", "English"),
    ("download, downloads, 下载", "English"),
    ("fail, fails, failed, failure, 失败", "English"),
    ("install, installs, installation, 安装", "English"),
    ("connection, connect, connecting, 连接", "English"),
    ("sound, 声音", "English"),
    ("notification, notifications, 推送消息", "English"),
    ("location, locate, 定位", "English"),
    ("splash screen, splash, 启动画面", "English"),
    ("setup, set up, configure, configuration, 配置", "English"),
    ("enterprise, 企业", "English"),
    ("developer, 开发者", "English"),
    ("account, accounts, 账号", "English"),
    ("device, devices, 设备", "English"),
    ("bound, bind, binding, 绑定", "English"),
    ("switch, 切换", "English"),
    ("network, 网络", "English"),
    ("test, 测试", "English"),
    ("access, 访问, 接入", "English"),
    ("client, 客户端", "English"),
    ("admin, administrator, 管理员", "English"),
    ("home page, 首页", "English"),
    ("unreachable, 不可达", "English"),
    ("error code, 错误码", "English"),
    ("troubleshooting, troubleshoot, 排查", "English"),
    ("replaced, 被替换", "English"),
]


def add_defaults(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, note in ENGLISH_SYNONYMS:
        Synonym.objects.get_or_create(terms=terms, defaults={"note": note})


def remove_defaults(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(terms__in=[terms for terms, _ in ENGLISH_SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_default_synonyms")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
