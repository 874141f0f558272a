"""The public pages. Thin: selectors read, services write, templates show."""

from http import HTTPStatus

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from issues import conditional, page_cache, selectors, services, shared_pages
from issues.conditional import add_validators, not_modified
from issues.feedback import FeedbackForm
from issues.models import ErrorCode, Issue, can_read_internal

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
    page = selectors.home_page(user=request.user)
    etag = conditional.data_etag(*selectors.home_page_fingerprint(page))
    if response := conditional.not_modified_etag(request, etag=etag):
        return response
    response = render(
        request,
        "issues/home.html",
        {"page": page, "canonical_url": absolute(request, reverse("issues:home"))},
    )
    return conditional.add_etag(response, request, etag=etag)


@require_GET
def issue_detail(request, slug):
    shared = shared_pages.lookup(request, slug)
    if shared.response is not None:
        # Most readers: the page every anonymous reader gets, with no database query.
        return shared.response
    issue = selectors.issue_page_head(slug=slug, user=request.user)
    changed_at = selectors.content_changed_at(issue)
    stored_views = issue.view_count
    # The page shows the stored count plus the views not yet written, this one included.
    issue.view_count += services.issue_record_view(issue=issue)
    if issue.is_public and (response := not_modified(request, last_modified=changed_at)):
        return response
    if page_cache.shares_whole_page(request, issue):
        # The same page for every anonymous reader, cached whole with per-reader holes.
        page = page_cache.anonymous_page(
            request,
            issue,
            render=lambda holes: render_to_string(
                "issues/issue_detail.html",
                issue_page_context(
                    request, issue, csrf_token=holes.csrf_token, view_count=holes.view_count
                ),
                request=request,
            ),
        )
        shared.remember(issue, html=page, last_modified=changed_at, stored_views=stored_views)
        response = HttpResponse(page_cache.fill_holes(request, page, view_count=issue.view_count))
    else:
        response = render(request, "issues/issue_detail.html", issue_page_context(request, issue))
    if not issue.is_public:
        # Previews and internal entries stay out of search engines and shared caches.
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    return add_validators(response, request, last_modified=changed_at)


def issue_page_context(request, issue, **overrides) -> dict:
    return {
        "issue": issue,
        # Rendered once per edit and shared; the per-reader parts are in the page template.
        "content": page_cache.issue_content(issue, user=request.user),
        "show_internal": can_read_internal(request.user),
        "feedback_form": FeedbackForm(),
        "feedback_sent": request.GET.get("feedback") == "thanks",
        "canonical_url": absolute(request, issue.get_absolute_url()),
        "view_count": issue.view_count,
        **overrides,
    }


@require_POST
def issue_feedback(request, slug):
    issue = get_object_or_404(Issue.objects.visible_to(request.user), slug=slug)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "issues/feedback_result.html",
            {"issue": issue, "form": form},
            status=HTTPStatus.BAD_REQUEST,
        )
    try:
        services.feedback_submit(
            issue=issue,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
            client=client_address(request),
        )
    except services.FeedbackRateLimited:
        return render(
            request,
            "issues/feedback_result.html",
            {"issue": issue, "rate_limited": True},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    return redirect(f"{issue.get_absolute_url()}?feedback=thanks#feedback")


@require_GET
def code_index(request):
    query = request.GET.get("q", "")[:100]
    groups = selectors.error_code_index(query=query)
    changed_at = max((code.updated_at for _, codes in groups for code in codes), default=None)
    if changed_at and (response := not_modified(request, last_modified=changed_at)):
        return response
    response = render(
        request,
        "issues/code_index.html",
        {
            "groups": groups,
            "query": query,
            "canonical_url": absolute(request, reverse("issues:code_index")),
        },
    )
    if changed_at:
        add_validators(response, request, last_modified=changed_at)
    return response


@require_GET
def code_detail(request, product, code):
    error_code = selectors.error_code_for_page(product_slug=product, code=code, user=request.user)
    if code != error_code.code:
        # "错误码-1019" or "-01019" found the code: send the reader to its permalink.
        return redirect(error_code, permanent=True)
    explaining = list(error_code.issues.all())
    changed_at = max(
        [error_code.updated_at, *(selectors.content_changed_at(issue) for issue in explaining)]
    )
    if response := not_modified(request, last_modified=changed_at):
        return response
    context = {
        "code": error_code,
        # Network-related codes show the explaining issues' steps in full: that is the
        # troubleshooting procedure the reader has to follow.
        "explaining": [(issue, selectors.issue_outline(issue)) for issue in explaining],
        "relation_explanation": RELATION_EXPLANATIONS[error_code.network_relation],
        "canonical_url": absolute(request, error_code.get_absolute_url()),
    }
    response = render(request, "issues/code_detail.html", context)
    return add_validators(response, request, last_modified=changed_at)


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
