"""Issue 14 item 3: a checklist parameter's help text is text, never markup."""

import pytest

from probes.models import ChecklistParameter, Target
from tests.probes.factories import make_checklist, make_prober

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror="alert(1)">'


@pytest.fixture
def page(client, django_user_model):
    checklist = make_checklist(Target(kind="dns", host="{prefix}.sso.example.test"))
    ChecklistParameter.objects.create(
        checklist=checklist,
        name="prefix",
        label="SSO <b>prefix</b>",
        help_text=f"Your enterprise prefix {PAYLOAD}",
        example='"><script>x</script>',
        position=1,
    )
    client.force_login(make_prober(django_user_model))
    return client.get(checklist.get_absolute_url()).content.decode()


def test_help_text_label_and_example_are_escaped(page):
    assert PAYLOAD not in page
    assert "Your enterprise prefix &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "<b>prefix</b>" not in page and "SSO &lt;b&gt;prefix&lt;/b&gt;" in page
    assert "<script>x</script>" not in page


def test_the_field_still_points_at_its_help_text(page):
    assert 'id="id_prefix_helptext"' in page
    assert 'aria-describedby="id_prefix_helptext"' in page
    assert 'name="prefix"' in page and 'name="timeout"' in page
