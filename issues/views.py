"""The public pages. Thin: selectors read, services write, templates show."""

from http import HTTPStatus

from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from issues import selectors, services
from issues.feedback import FeedbackForm
from issues.models import ErrorCode, Issue, can_read_internal
from issues.pagecache import responses as pagecache

# What the network-related flag means for the reader, shown next to it on a code page.
RELATION_EXPLANATIONS = {
    ErrorCode.NetworkRelation.NETWORK: _(
        "This code usually means the device could not reach the service. "
        "Check the network path first: the troubleshooting procedure is below."
    ),
    ErrorCode.NetworkRelation.BOTH: _(
        "The source lists this code both as network-related and as not network-related: "
        "check the network path (procedure below) and also the fix for the code itself."
    ),
    ErrorCode.NetworkRelation.NON_NETWORK: _(
        "Not network-related: the cause lies in how the login is called or in its "
        "parameters, so checking the network will not help. See the fix."
    ),
    ErrorCode.NetworkRelation.UNSPECIFIED: _(
        "The source does not say whether this code is network-related."
    ),
}


def client_address(request) -> str:
    """The address the rate limit counts against.

    REMOTE_ADDR is the peer of this process; behind a reverse proxy it must be set
    from the proxy's header by the deployment (see README, production).
    """
    return request.META.get("REMOTE_ADDR") or "unknown"


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


@require_GET
def home(request):
    return pagecache.home_response(request, render=render_home)


def render_home(request, page: selectors.HomePage, **holes) -> str:
    context = {"page": page, "canonical_url": absolute(request, reverse("issues:home")), **holes}
    return render_to_string("issues/home.html", context, request=request)


@require_GET
def issue_detail(request, slug):
    return pagecache.issue_response(request, slug, render=render_issue)


def render_issue(request, issue: Issue, *, content, **holes) -> str:
    """The fix page; ``content`` is the shared part, ``holes`` stand in for the per-request
    parts (csrf_token, view_count) of a page cached whole."""
    context = {
        "issue": issue,
        "content": content,
        "show_internal": can_read_internal(request.user),
        "feedback_form": FeedbackForm(),
        "feedback_sent": request.GET.get("feedback") == "thanks",
        "canonical_url": absolute(request, issue.get_absolute_url()),
        "view_count": issue.view_count,
        **holes,
    }
    return render_to_string("issues/issue_detail.html", context, request=request)


@require_POST
def issue_feedback(request, slug):
    issue = get_object_or_404(Issue.objects.visible_to(request.user), slug=slug)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "issues/feedback_result.html",
            {"back": issue, "back_title": issue.title, "form": form},
            status=HTTPStatus.BAD_REQUEST,
        )
    return _feedback(request, form, about={"issue": issue}, back_title=issue.title)


@require_POST
def code_feedback(request, product, code):
    # Only a code this reader may open takes answers, as for its page.
    readable = ErrorCode.objects.readable(internal=can_read_internal(request.user))
    error_code = get_object_or_404(
        readable.select_related("product"), product__slug=product, code=code
    )
    form = FeedbackForm(request.POST)
    title = _("Error code %(code)s") % {"code": error_code.code}
    if not form.is_valid():
        return render(
            request,
            "issues/feedback_result.html",
            {"back": error_code, "back_title": title, "form": form},
            status=HTTPStatus.BAD_REQUEST,
        )
    return _feedback(request, form, about={"error_code": error_code}, back_title=title)


def _feedback(request, form: FeedbackForm, *, about: dict, back_title: str):
    """Record a valid answer about ``about`` (issue= or error_code=) and thank the reader."""
    (page,) = about.values()
    try:
        services.feedback_submit(
            **about,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
            client=client_address(request),
        )
    except services.FeedbackRateLimited:
        return render(
            request,
            "issues/feedback_result.html",
            {"back": page, "back_title": back_title, "rate_limited": True},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    return redirect(f"{page.get_absolute_url()}?feedback=thanks#feedback")


@require_GET
def code_index(request):
    return pagecache.code_index_response(request, render=render_code_index)


def render_code_index(request, groups: list, query: str, **holes) -> str:
    context = {
        "groups": groups,
        "query": query,
        "canonical_url": absolute(request, reverse("issues:code_index")),
        **holes,
    }
    return render_to_string("issues/code_index.html", context, request=request)


@require_GET
def code_detail(request, product, code):
    return pagecache.code_response(request, product, code, render=render_code)


def render_code(request, error_code: ErrorCode, explaining: list[Issue], **holes) -> str:
    context = {
        "code": error_code,
        # Network-related codes show the explaining issues' steps in full: that is the
        # troubleshooting procedure the reader has to follow.
        "explaining": [(issue, selectors.issue_outline(issue)) for issue in explaining],
        "relation_explanation": RELATION_EXPLANATIONS[error_code.network_relation],
        "canonical_url": absolute(request, error_code.get_absolute_url()),
        "feedback_form": FeedbackForm(),
        "feedback_sent": request.GET.get("feedback") == "thanks",
        "feedback_action": reverse(
            "issues:code_feedback",
            kwargs={"product": error_code.product.slug, "code": error_code.code},
        ),
        **holes,
    }
    return render_to_string("issues/code_detail.html", context, request=request)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the static icon."""
    response = redirect(static("favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": absolute(request, reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
