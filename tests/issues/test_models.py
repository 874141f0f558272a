import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from issues.models import Cause, ErrorCode, Fix, Issue, Product, Tag
from tests.issues.factories import make_code, make_issue, make_issue_with_parts, make_product

pytestmark = pytest.mark.django_db


def test_product_slug_is_unique():
    make_product(slug="sdk", name="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(slug="sdk", name="B")


def test_issue_slug_is_unique_across_products():
    make_issue(product=make_product("a", "A"), slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_issue(product=make_product("b", "B"), slug="same")


def test_tag_slug_is_unique():
    Tag.objects.create(slug="ios", name="iOS")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(slug="ios", name="IOS again")


def test_error_code_is_unique_per_product():
    product = make_product()
    make_code(product, "-1019")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_code(product, "-1019")


def test_same_spelling_of_a_code_after_normalisation_is_refused():
    product = make_product()
    make_code(product, "2004")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_code(product, "＋2004")


def test_same_code_may_exist_in_two_products():
    make_code(make_product("a", "A"), "0")
    make_code(make_product("b", "B"), "0")
    assert ErrorCode.objects.filter(code="0").count() == 2


def test_error_code_stores_normalised_forms():
    code = make_code(make_product(), " -1019 ")
    assert (code.code, code.normalized_code, code.unsigned_code) == ("-1019", "-1019", "1019")


@pytest.mark.parametrize("typed", ["-1019", "错误码-1019", "error -1019", "1019", "－１０１９"])
def test_for_code_finds_every_spelling(typed):
    code = make_code(make_product(), "-1019")
    assert list(ErrorCode.objects.for_code(typed)) == [code]


def test_causes_and_fixes_keep_their_order():
    issue = make_issue()
    Cause.objects.create(issue=issue, position=2, text="second")
    Cause.objects.create(issue=issue, position=1, text="first")
    assert [c.text for c in issue.causes.all()] == ["first", "second"]


def test_fix_may_be_tied_to_its_cause_or_to_none():
    issue = make_issue_with_parts()
    tied = issue.fixes.get()
    assert tied.cause == issue.causes.get()
    untied = Fix.objects.create(issue=issue, position=2, body="重启")
    assert untied.cause is None


def test_fix_tied_to_a_cause_of_another_issue_is_invalid():
    product = make_product()
    one = make_issue_with_parts(product=product, slug="one")
    other = make_issue(product=product, slug="other")
    fix = Fix(issue=other, cause=one.causes.get(), position=1, body="x")
    with pytest.raises(ValidationError):
        fix.full_clean()


def test_deleting_a_cause_keeps_its_fix():
    issue = make_issue_with_parts()
    issue.causes.get().delete()
    assert issue.fixes.get().cause is None


def test_status_and_visibility_choices_are_enforced_by_validation():
    issue = make_issue()
    issue.status = "bogus"
    with pytest.raises(ValidationError):
        issue.full_clean()


def test_product_with_issues_cannot_be_deleted():
    issue = make_issue()
    with pytest.raises(Exception, match="protected"):
        issue.product.delete()


def test_visible_to_hides_drafts_and_internal_entries_from_anonymous(helpdesk):
    from django.contrib.auth.models import AnonymousUser

    product = make_product()
    public = make_issue(product=product, slug="public")
    make_issue(product=product, slug="draft", status=Issue.Status.DRAFT)
    internal = make_issue(product=product, slug="internal", visibility=Issue.Visibility.INTERNAL)
    assert list(Issue.objects.visible_to(AnonymousUser())) == [public]
    assert set(Issue.objects.visible_to(helpdesk)) == {public, internal}


def test_network_relation_flags():
    product = make_product()
    both = make_code(product, "-1002", network_relation=ErrorCode.NetworkRelation.BOTH)
    assert both.is_network_related and both.is_non_network_related
    unspecified = make_code(product, "0")
    assert not unspecified.is_network_related and not unspecified.is_non_network_related


def test_linking_codes_from_either_side_works_and_the_code_side_records_history():
    issue = make_issue()
    first, second = make_code(issue.product, "2004"), make_code(issue.product, "0")
    issue.error_codes.set([first])  # used to crash in history on the Issue side
    assert list(first.issues.all()) == [issue]
    second.issues.add(issue)
    linked = second.history.latest().issues.values_list("issue_id", flat=True)
    assert list(linked) == [issue.pk]
