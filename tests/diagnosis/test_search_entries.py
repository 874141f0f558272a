"""Flows are entries of the search index: found by what people type, labelled as flows,
seen only by who may walk them, and re-indexed whenever they change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from diagnosis.models import Branch, Flow, Step
from issues.search import index
from issues.search.models import SearchEntry
from issues.search.query import search

pytestmark = pytest.mark.django_db

SDK_FLOW = "/diagnose/sdk-login-failure/"
MOBILE_FLOW = "/diagnose/mobile-client-cannot-connect/"


def urls(query, user=None):
    return [r.entry.url for r in search(query, user=user or AnonymousUser(), limit=20).results]


def flow_entry(slug):
    flow = Flow.objects.get(slug=slug)
    return SearchEntry.objects.filter(kind=SearchEntry.Kind.FLOW, page_id=flow.pk).first()


def test_the_shipped_content_load_indexes_the_shipped_flows(shipped_content):
    entry = flow_entry("sdk-login-failure")
    assert entry is not None and entry.is_public and entry.url == SDK_FLOW
    assert entry.product.slug == "meeting-sdk"
    assert {"-1018", "-1019"} <= set(entry.codes.split())
    # The step texts are indexed: the questions as symptoms, their answers (which name the
    # codes and causes the flow leads to) and the rest as body.
    assert "onLogin()" in entry.symptoms and "kTMSDKErrorLoginNetError" not in entry.symptoms
    assert "kTMSDKErrorLoginNetError" in entry.body
    assert "telnet" not in entry.title and "防火墙" in entry.body
    assert flow_entry("mobile-client-cannot-connect").url == MOBILE_FLOW


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("登录失败 逐步排查", SDK_FLOW),
        ("cannot connect mobile client troubleshooting", MOBILE_FLOW),
        ("客户端无法连接 逐步排查", MOBILE_FLOW),
        ("SDK 登录失败 逐步排查", SDK_FLOW),
    ],
)
def test_a_symptom_query_finds_the_flow_first(shipped_content, query, first):
    assert urls(query)[0] == first


@pytest.mark.parametrize(
    ("query", "first", "flow"),
    [
        ("客户端登录不了，连接超时", "/issues/client-login-connection-timeout/", MOBILE_FLOW),
        ("客户端无法连接", None, MOBILE_FLOW),
    ],
)
def test_an_entry_outranks_the_flow_that_only_gathers_its_words(
    shipped_content, query, first, flow
):
    """A flow holds the words of every entry it leads to; the entry that answers comes
    first, the flow still among the first results."""
    found = urls(query)
    assert flow in found[:3]
    if first:
        assert found[0] == first


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("-1019", "/codes/meeting-sdk/-1019/"),
        ("-1018", "/codes/meeting-sdk/-1018/"),
        ("1019", "/codes/meeting-sdk/-1019/"),
        ("kTMSDKErrorTokenVerifyFailed", "/codes/meeting-sdk/-1019/"),
        ("IM服务器连接中", "/issues/im-server-connecting/"),
        ("登录超时", "/issues/client-login-connection-timeout/"),
    ],
)
def test_a_code_or_an_exact_issue_stays_first(shipped_content, query, first):
    found = urls(query)
    assert found[0] == first
    assert found.count(SDK_FLOW) <= 1 and found.count(MOBILE_FLOW) <= 1


def test_the_results_page_labels_a_flow_and_lists_it_once(client, shipped_content):
    page = client.get("/search/", {"q": "登录失败 逐步排查"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert page.text.count(f'href="{SDK_FLOW}"') == 1  # a result, not also in the aside
    assert "search-result--flow" in page.text
    assert '<span class="search-result__kind--flow">逐步排查</span>' in page.text
    page = client.get("/search/", {"q": "登录失败 逐步排查"}, HTTP_ACCEPT_LANGUAGE="en")
    assert '<span class="search-result__kind--flow">Guided diagnosis</span>' in page.text


def test_the_api_and_suggestions_return_flows_labelled(client, shipped_content):
    data = client.get(
        "/api/search/",
        {"q": "cannot connect mobile client troubleshooting"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    first = data["results"][0]
    flow = Flow.objects.get(slug="mobile-client-cannot-connect")
    assert (first["type"], first["id"], first["url"]) == ("flow", flow.pk, MOBILE_FLOW)
    assert first["type_label"] == "Guided diagnosis"
    suggested = client.get(
        "/api/search/", {"q": "登录失败 逐步排查", "suggest": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()
    assert suggested["results"][0]["type"] == "flow"
    assert suggested["results"][0]["type_label"] == "逐步排查"
    assert "title_pieces" in suggested["results"][0]


def test_the_search_boxes_carry_the_flow_label(client, shipped_content):
    page = client.get("/search/", {"q": "登录"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-label-flow="逐步排查"' in page.text
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-label-flow="Guided diagnosis"' in home.text


def test_internal_flows_are_found_by_staff_only_and_never_leak(client, shipped_content, helpdesk):
    flow = Flow.objects.get(slug="mobile-client-cannot-connect")
    flow.visibility = Flow.Visibility.INTERNAL
    flow.save()
    entry = flow_entry("mobile-client-cannot-connect")
    assert entry is not None and not entry.is_public
    assert MOBILE_FLOW not in urls("cannot connect mobile client troubleshooting")
    assert urls("cannot connect mobile client troubleshooting", helpdesk)[0] == MOBILE_FLOW
    for params in (
        {"q": "cannot connect mobile client troubleshooting"},
        {"q": "逐步排查"},
        {"q": "客户端无法连接", "type": "flow"},
        {"q": "客户端无法下栽连接"},  # nothing matches: the closest titles
        {"type": "flow"},  # browsing the facet
    ):
        page = client.get("/search/", params)
        assert "mobile-client-cannot-connect" not in page.text, params
        assert "客户端无法下载、连接或登录：逐步排查" not in page.text, params
    # Facet counts: only the public SDK flow counts as a flow for a reader.
    page = client.get("/search/", {"q": "逐步排查"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "guided diagnosis (1)" in page.text
    for params in (
        {"q": "cannot connect mobile client troubleshooting"},
        {"q": "逐步", "suggest": "1"},
    ):
        body = client.get("/api/search/", params).content.decode()
        assert "mobile-client-cannot-connect" not in body and "客户端无法下载" not in body
    client.force_login(helpdesk)
    page = client.get("/search/", {"q": "cannot connect mobile client troubleshooting"})
    assert MOBILE_FLOW in page.text


def test_unpublishing_and_deleting_a_flow_take_it_out(shipped_content):
    flow = Flow.objects.get(slug="sdk-login-failure")
    flow.status = Flow.Status.REVIEW
    flow.save()
    assert flow_entry("sdk-login-failure") is None
    assert SDK_FLOW not in urls("登录失败 逐步排查")
    flow.status = Flow.Status.PUBLISHED
    flow.save()
    assert urls("登录失败 逐步排查")[0] == SDK_FLOW
    pk = flow.pk
    flow.sessions.all().delete()
    flow.delete()
    assert not SearchEntry.objects.filter(kind="flow", page_id=pk).exists()
    assert SDK_FLOW not in urls("登录失败 逐步排查")


def test_editing_a_flow_title_or_step_reindexes_it(shipped_content):
    flow = Flow.objects.get(slug="mobile-client-cannot-connect")
    flow.title = "客户端无法打开：逐步排查"
    flow.save()
    assert flow_entry("mobile-client-cannot-connect").title == "客户端无法打开：逐步排查"
    step = Step.objects.get(flow=flow, key="symptom")
    Branch.objects.filter(step=step, position=1).update(label="unchanged on purpose")
    branch = step.branches.order_by("position").first()
    branch.label = "扫码以后出现紫色独角兽"
    branch.save()
    assert MOBILE_FLOW in urls("紫色独角兽")
    branch.delete()
    assert MOBILE_FLOW not in urls("紫色独角兽")


def test_linking_an_error_code_from_either_side_reindexes_the_flow(shipped_content):
    from issues.models import ErrorCode

    flow = Flow.objects.get(slug="mobile-client-cannot-connect")
    code = ErrorCode.objects.get(product__slug="meeting-sdk", code="-1021")
    flow.error_codes.add(code)
    assert "-1021" in flow_entry("mobile-client-cannot-connect").codes.split()
    code.diagnosis_flows.remove(flow)
    assert "-1021" not in flow_entry("mobile-client-cannot-connect").codes.split()


def test_rebuild_includes_the_flows(shipped_content):
    flows = set(Flow.objects.published().values_list("pk", flat=True))
    counts = index.rebuild(workers=1)
    assert counts["flows"] == len(flows) == 2
    assert set(SearchEntry.objects.filter(kind="flow").values_list("page_id", flat=True)) == flows
    assert urls("登录失败 逐步排查")[0] == SDK_FLOW
    call_command("rebuild_search_index", verbosity=0)
    assert SearchEntry.objects.filter(kind="flow").count() == 2
