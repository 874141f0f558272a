"""Small builders for test data; the shipped content is used where the real thing matters."""

from issues.models import Cause, ErrorCode, Fix, Issue, Product, Symptom


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
