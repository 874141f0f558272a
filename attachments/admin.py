"""Attachments in the admin: upload (a page, or JSON for the fix text boxes), edit alt text.

The fix text boxes get an "Add image or file" button (static/js/attachments_upload.js)
that posts here and inserts the returned Markdown at the cursor.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from attachments.models import Attachment
from attachments.services import attachment_upload
from attachments.validation import AttachmentRefused


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Image or file"))
    alt = forms.CharField(
        label=gettext_lazy("Alternative text"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("What the image shows, for readers who cannot see it."),
    )


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "dimensions", "size", "uploaded_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "alt", "key")
    fields = ("preview", "name", "alt", "markdown", "kind", "content_type", "size", "dimensions")
    readonly_fields = (
        "preview",
        "name",
        "markdown",
        "kind",
        "content_type",
        "size",
        "dimensions",
    )

    @admin.display(description=gettext_lazy("size (pixels)"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.is_image else "—"

    @admin.display(description=gettext_lazy("Markdown to paste into a fix"))
    def markdown(self, obj):
        return format_html('<code class="kb-attachment-markdown">{}</code>', obj.markdown())

    @admin.display(description=gettext_lazy("preview"))
    def preview(self, obj):
        if not obj.is_image:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.name)
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" class="kb-attachment-preview">',
            obj.get_absolute_url(),
            obj.alt,
            obj.width,
            obj.height,
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(require_POST(self.upload_view)), name="attachments_upload"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                attachment = attachment_upload(
                    data=upload.read(),
                    name=upload.name,
                    alt=form.cleaned_data["alt"],
                    user=request.user,
                )
            except AttachmentRefused as exc:
                form.add_error("file", str(exc))
            else:
                self.message_user(
                    request,
                    _("Uploaded. Paste the Markdown shown below into a fix step."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:attachments_attachment_change", args=[attachment.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Upload an image or file"),
            "form": form,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/attachments/upload.html", context, status=status)

    def upload_view(self, request):
        """JSON for the fix text boxes: {"markdown": …} or {"error": …}."""
        if not self.has_add_permission(request):
            return JsonResponse({"error": _("You may not upload attachments.")}, status=403)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
            return JsonResponse({"error": " ".join(errors)}, status=400)
        upload = form.cleaned_data["file"]
        try:
            attachment = attachment_upload(
                data=upload.read(),
                name=upload.name,
                alt=form.cleaned_data["alt"],
                user=request.user,
            )
        except AttachmentRefused as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        return JsonResponse(
            {
                "markdown": attachment.markdown(),
                "url": attachment.get_absolute_url(),
                "name": attachment.name,
            }
        )
