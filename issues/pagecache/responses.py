"""The reader pages' responses, from the fastest layer that is current: the entry point views call.

Each function takes the request and a ``render`` callable that turns what it read
into the page's HTML; it decides what may be cached, for whom, and which
validators go out. Layers, fastest first: shared.py (no database), 304 from
validators.py, holes.py (whole anonymous page), fragments.py.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from issues import selectors
from issues.pagecache import fragments, holes, markers, shared, validators, view_counts

# render(request, issue, content=…, [csrf_token=…, view_count=…, page_holes=…]) -> HTML
IssueRenderer = Callable[..., str]


def issue_response(request: HttpRequest, slug: str, *, render: IssueRenderer) -> HttpResponse:
    """The issue page at /issues/<slug>/ for this reader; Http404 if they may not read it."""
    found = shared.lookup(request, slug)
    if found.response is not None:
        # Most readers: the page every anonymous reader gets, with no database query.
        return found.response
    issue = markers.issue_head(slug=slug, user=request.user)
    changed_at = markers.content_changed_at(issue)
    stored_views = issue.view_count
    # The page shows the stored count plus the views not yet written, this one included.
    issue.view_count += view_counts.record(issue.pk)
    if issue.is_public and (response := validators.not_modified(request, last_modified=changed_at)):
        return response
    # The same page for every reader of one profile, cached whole with per-reader holes.
    page = holes.whole_page(
        request,
        issue,
        render=lambda placeholders: render(
            request,
            issue,
            content=fragments.issue_content(issue, user=request.user),
            csrf_token=placeholders.csrf_token,
            view_count=placeholders.view_count,
            page_holes=placeholders,  # for parts that change with the clock (page_holes tags)
        ),
    )
    if page is None:  # this reader's page has live or per-request parts
        content = fragments.issue_content(issue, user=request.user)
        response = HttpResponse(render(request, issue, content=content))
    else:
        # Kept for the next readers of this profile (found.key names it).
        found.remember(issue, html=page, last_modified=changed_at, stored_views=stored_views)
        response = HttpResponse(holes.fill_holes(request, page, view_count=issue.view_count))
    if not issue.is_public:
        # Previews and internal entries stay out of search engines and shared caches.
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    return validators.add_validators(response, request, last_modified=changed_at)


def _whole_or_plain(
    request: HttpRequest, found: shared.Lookup, render: Callable[..., str], **store
) -> HttpResponse:
    """The page rendered once with holes and kept for every reader of one profile, or for
    this reader alone; ``store``: its validators (last_modified= or etag=)."""
    if not found.stores:
        return HttpResponse(render())
    placeholders = holes.holes()
    html = render(csrf_token=placeholders.csrf_token, page_holes=placeholders)
    found.remember_page(html, **store)
    return HttpResponse(holes.fill_holes(request, html))


def code_response(
    request: HttpRequest,
    product: str,
    code: str,
    *,
    render: Callable[..., str],
) -> HttpResponse:
    """The code page at /codes/<product>/<code>/; codes typed another way redirect to it.

    ``render(request, error_code, explaining, **holes)``.
    """
    # Signed-in readers too: their page differs only by what their profile says.
    found = shared.lookup_page(request, signed_in=True)
    if found.response is not None:
        return found.response
    error_code = selectors.error_code_for_page(
        product_slug=product,
        code=code,
        user=request.user,
        explaining=markers.with_content_changed_at(selectors.explaining_issues(request.user)),
    )
    if code != error_code.code:
        # "错误码-1019" or "-01019" found the code: send the reader to its permalink.
        return redirect(error_code, permanent=True)
    explaining = list(error_code.issues.all())
    changed_at = max(
        [error_code.updated_at, *(markers.content_changed_at(issue) for issue in explaining)]
    )
    if response := validators.not_modified(request, last_modified=changed_at):
        return response
    response = _whole_or_plain(
        request,
        found,
        lambda **holes: render(request, error_code, explaining, **holes),
        last_modified=changed_at,
    )
    return validators.add_validators(response, request, last_modified=changed_at)


def code_index_response(request: HttpRequest, *, render: Callable[..., str]) -> HttpResponse:
    """The error-code index at /codes/, narrowed by ``?q=`` when given.

    ``render(request, groups, query, **holes)``.
    """
    found = shared.lookup_page(request)
    if found.response is not None:
        return found.response
    query = request.GET.get("q", "")[:100]
    groups = selectors.error_code_index(query=query)
    changed_at = max((code.updated_at for _, codes in groups for code in codes), default=None)
    if changed_at and (response := validators.not_modified(request, last_modified=changed_at)):
        return response
    response = _whole_or_plain(
        request,
        found,
        lambda **holes: render(request, groups, query, **holes),
        last_modified=changed_at,
    )
    if changed_at:
        validators.add_validators(response, request, last_modified=changed_at)
    return response


def home_response(request: HttpRequest, *, render: Callable[..., str]) -> HttpResponse:
    """The home page; its ETag covers the data shown (the most-viewed list moves with views).

    ``render(request, page, **holes)``. Kept for anonymous readers until an edit, or
    until views could have reordered the most-viewed list (they reach the database
    every ``KB_VIEW_FLUSH_SECONDS``).
    """
    found = shared.lookup_page(request, max_age=settings.KB_VIEW_FLUSH_SECONDS)
    if found.response is not None:
        return found.response
    page = selectors.home_page(user=request.user)
    etag = validators.data_etag(*markers.home_page_fingerprint(page))
    if response := validators.not_modified_etag(request, etag=etag):
        return response
    response = _whole_or_plain(
        request, found, lambda **holes: render(request, page, **holes), etag=etag
    )
    return validators.add_etag(response, request, etag=etag)
