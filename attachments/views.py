"""Serving an attachment through Django, whatever the storage, with safe headers."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from attachments.access import can_fetch
from attachments.models import Attachment


@require_safe
def serve(request, key: str, name: str):
    attachment = get_object_or_404(Attachment, key=key)
    # Unknown and forbidden look alike: an attachment's existence is not revealed.
    if not can_fetch(request.user, attachment):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even opened directly, the file can run nothing and embed nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # The digest is the key: the bytes behind a URL never change.
    response["Cache-Control"] = "private, max-age=86400, immutable"
    return response
