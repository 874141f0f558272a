"""Small knowledge built in the test, for behaviour the shipped content does not show."""

import pytest

from issues.models import ErrorCode, Issue, Product, Symptom, Tag


@pytest.fixture
def product(db):
    return Product.objects.create(slug="widget", name="Widget 平台")


@pytest.fixture
def network_tag(db):
    return Tag.objects.create(slug="network", name="网络")


@pytest.fixture
def make_issue(product):
    def make(slug, title, *, symptoms=(), status="published", visibility="public", **fields):
        issue = Issue.objects.create(
            product=fields.pop("product", product),
            slug=slug,
            title=title,
            status=status,
            visibility=visibility,
            **fields,
        )
        for position, text in enumerate(symptoms, start=1):
            Symptom.objects.create(issue=issue, text=text, position=position)
        return issue

    return make


@pytest.fixture
def make_code(product):
    def make(code, constant="", *, product_=None, **fields):
        return ErrorCode.objects.create(
            product=product_ or product, code=code, constant=constant, **fields
        )

    return make
