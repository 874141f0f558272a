"""Long identifiers get <wbr> at their word boundaries, so a phone breaks them where a
reader would (kTMSDK|Error|Token|Verify|Failed), never mid-word."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from issues.models import ErrorCode, Product
from issues.templatetags.identifiers import wbr_filter


def test_camel_case_underscores_and_dots_are_break_points():
    assert wbr_filter("kTMSDKErrorTokenVerifyFailed") == (
        "k<wbr>TMSDK<wbr>Error<wbr>Token<wbr>Verify<wbr>Failed"
    )
    assert wbr_filter("ON_TOKEN_EXPIRED") == "ON_<wbr>TOKEN_<wbr>EXPIRED"
    assert wbr_filter("TMSDK.onStatus") == "TMSDK.<wbr>on<wbr>Status"
    assert wbr_filter("") == ""


def test_the_identifier_is_escaped_around_the_break_points():
    html = Template("{% load identifiers %}{{ value|wbr }}").render(
        Context({"value": "<script>alert_x</script>"})
    )
    assert "<script>" not in html and "&lt;script&gt;alert_<wbr>x&lt;/script&gt;" == html


@pytest.mark.django_db
def test_the_code_page_and_table_break_the_constant_at_its_words(client):
    product = Product.objects.create(slug="sdk", name="SDK")
    code = ErrorCode.objects.create(
        product=product, code="-1019", constant="kTMSDKErrorTokenVerifyFailed"
    )
    page = client.get(code.get_absolute_url()).content.decode()
    assert '<code class="constant">k<wbr>TMSDK<wbr>Error<wbr>Token<wbr>Verify<wbr>Failed' in page
    index = client.get(reverse("issues:code_index")).content.decode()
    assert "k<wbr>TMSDK<wbr>Error" in index
