"""Journey: a reader on an error-code page says whether the fix helped and sees the thanks.

Four of the SDK's fixes live only on their code's page, so the question is asked there too.
"""

import pytest
from playwright.sync_api import expect

from issues.models import ErrorCode, Feedback

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_reader_answers_on_a_code_page_and_is_thanked(journey, shipped_content):
    page = journey.page
    code = ErrorCode.objects.get(product__slug="meeting-sdk", code="-1019")
    page.goto(code.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("-1019")
    question = page.locator("#feedback")
    question.scroll_into_view_if_needed()
    expect(question.locator("h2")).to_have_text(
        journey.text("这解决了你的问题吗？", "Did this solve your problem?")
    )
    journey.shot("question")
    question.locator("textarea").fill(journey.text("第二步写得很清楚", "Step two was clear"))
    question.get_by_role("button", name=journey.text("是的，解决了", "Yes, it did")).click()

    thanks = page.locator("#feedback [role=status]")
    expect(thanks).to_be_visible()
    expect(thanks).to_contain_text(journey.text("谢谢", "Thank you"))
    expect(thanks).to_be_in_viewport()  # the reader lands on the answer, not the page top
    expect(page.locator("#feedback form")).to_have_count(0)
    journey.shot("thanks")

    feedback = Feedback.objects.get()
    assert feedback.error_code == code and feedback.issue is None
    assert feedback.helpful is True
    assert feedback.comment == journey.text("第二步写得很清楚", "Step two was clear")
