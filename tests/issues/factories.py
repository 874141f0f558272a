"""Small builders for test data; the shipped content is used where the real thing matters."""

from issues.models import Cause, ErrorCode, Fix, Issue, Product, Symptom, Tag


def make_product(slug="demo", name="演示产品"):
    return Product.objects.create(slug=slug, name=name)


def make_issue(product=None, slug="demo-issue", title="演示问题", **fields):
    fields.setdefault("status", Issue.Status.PUBLISHED)
    return Issue.objects.create(product=product or make_product(), slug=slug, title=title, **fields)


def make_issue_with_parts(**kwargs):
    issue = make_issue(**kwargs)
    Symptom.objects.create(issue=issue, position=1, text="打开页面报错")
    cause = Cause.objects.create(issue=issue, position=1, text="配置错误")
    Fix.objects.create(issue=issue, cause=cause, position=1, body="修改 **配置**")
    return issue


def make_code(product, code="-1019", **fields):
    return ErrorCode.objects.create(product=product, code=code, **fields)


def make_issue_page_example(**fields):
    """An issue with everything its page shows: product, tag, symptom, cause, fix, code."""
    product = make_product(slug="sdk", name="会议 SDK")
    fields = {"slug": "login-fails", "title": "登录失败", "summary": "登录时报错。", **fields}
    issue = make_issue(product=product, **fields)
    issue.tags.add(Tag.objects.create(slug="login", name="登录"))
    Symptom.objects.create(issue=issue, position=1, text="提示错误")
    cause = Cause.objects.create(issue=issue, position=1, text="令牌过期")
    Fix.objects.create(issue=issue, cause=cause, position=1, body="调用 `refreshSDKToken`")
    make_code(product, "-1019", description="sdktoken校验失败").issues.add(issue)
    return issue
