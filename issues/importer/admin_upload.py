"""The admin's import: upload documents → preview (per-file report, nothing written) → commit.

The preview runs the real import in a rolled-back transaction, so it lists exactly
what a commit would do. Uploads wait in the session between the two steps (the latest
few only). Several files or one .zip may be uploaded at once; a file the import
refuses is listed with its reason and the others can still be imported. A slug that
would take over an existing entry is shown, and updating it needs a second, explicit
preview ("update existing entries").
"""

import base64
import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from issues.importer.apply import ImportProblem, apply_files
from issues.importer.limits import import_max_bytes
from issues.importer.reader import read_uploads
from issues.importer.report import no_product_message, totals_text
from issues.models import Product
from issues.versioning import StaleEditError

SESSION_KEY = "kb_import_uploads"
MAX_UPLOADS = 20
TOTAL_FACTOR = 5  # all files of one upload together: five times the per-file limit
UPLOAD_TEMPLATE = "admin/issues/import_upload.html"
PREVIEW_TEMPLATE = "admin/issues/import_preview.html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (``<input type=file multiple>``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ImportUploadForm(forms.Form):
    document = MultipleFileField(
        label=gettext_lazy("Documents"),
        help_text=gettext_lazy(
            "One or more files, or one .zip of them: FAQs and guides (.txt, .docx, .html), "
            "Markdown with front matter, or a JSON export."
        ),
    )
    product = forms.CharField(
        label=gettext_lazy("Product"),
        required=False,
        max_length=200,
        # Suggestions from the existing products (the datalist in the template).
        widget=forms.TextInput(attrs={"list": "kb-import-products", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "Name or slug of an existing product, for documents that do not name one."
        ),
    )
    create_products = forms.BooleanField(
        label=gettext_lazy("Create products that do not exist yet"),
        required=False,
        help_text=gettext_lazy("Off: a misspelt product refuses the file instead of creating one."),
    )
    publish = forms.BooleanField(label=gettext_lazy("Publish the imported entries"), required=False)

    def clean_document(self):
        uploads = self.cleaned_data["document"]
        if len(uploads) > MAX_UPLOADS:
            raise forms.ValidationError(
                _("At most %(count)d files at once; put more into a .zip.") % {"count": MAX_UPLOADS}
            )
        limit = import_max_bytes()
        for upload in uploads:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(limit)d KB.")
                    % {"name": upload.name, "limit": limit // 1024}
                )
        # The upload waits in the session until it is committed: keep that bounded too.
        total_limit = limit * TOTAL_FACTOR
        if sum(upload.size for upload in uploads) > total_limit:
            raise forms.ValidationError(
                _("Together the files are larger than %(limit)d KB; import them in parts.")
                % {"limit": total_limit // 1024}
            )
        return uploads


# How the preview names each parser's format; proper names stay as they are.
FORMAT_LABELS = {
    "plain": gettext_lazy("plain text"),
    "markdown": "Markdown",
    "json": "JSON",
    "html": "HTML",
    "docx": "Word",
}


def format_label(fmt: str) -> str:
    return str(FORMAT_LABELS.get(fmt, fmt))


def file_kind(parsed) -> str:
    """ "纯文本 · UTF-8"; a Word file's "encoding" is "Word" itself, so it reads "Word" once."""
    label = format_label(parsed.format)
    if not parsed.encoding or parsed.encoding == label:
        return label
    return f"{label} · {parsed.encoding}"


def for_the_form(message: str) -> str:
    """The importer's "no product" reason names the command's --product option; a web-form
    user has the form's Product field instead. Other messages pass unchanged."""
    before, _sep, after = no_product_message("\0").partition("\0")
    fits = len(message) >= len(before) + len(after)
    if fits and message.startswith(before) and message.endswith(after):
        name = message[len(before) : len(message) - len(after)]
        if message == no_product_message(name):
            return _(
                "%(file)s: no product given. Fill in the form's “Product” field, "
                "or add a “product:” key to the file's front matter."
            ) % {"file": name}
    return message


def _worded_for_the_form(result):
    for report in result.files:
        report.parsed.errors = [for_the_form(error) for error in report.parsed.errors]
    return result


def _stored(upload: dict) -> list[tuple[str, bytes]]:
    return [(f["name"], base64.b64decode(f["data"])) for f in upload["files"]]


def _run(upload: dict, *, dry_run: bool, user=None):
    try:
        result = _apply(upload, dry_run=dry_run, user=user)
    except ImportProblem as exc:
        raise ImportProblem(for_the_form(str(exc))) from exc
    return _worded_for_the_form(result)


def _apply(upload: dict, *, dry_run: bool, user=None):
    return apply_files(
        read_uploads(_stored(upload)),
        product_name=upload["product"],
        publish=upload["publish"],
        create_products=upload["create_products"],
        update_existing=upload["update_existing"],
        dry_run=dry_run,
        user=user,
    )


def _takeovers(result) -> bool:
    return any(report.parsed.takeovers for report in result.refused)


class ImportAdminMixin:
    """Mixed into the issue admin; ``get_urls`` there routes import/ and import/commit/."""

    def _check_import_permission(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def _import_context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "products": Product.objects.order_by("slug"),
            **extra,
        }

    def import_view(self, request):
        self._check_import_permission(request)
        if request.method == "POST" and request.POST.get("token"):
            return self._import_reconsider(request)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        context = self._import_context(request, _("Import documents"), form=form)
        if request.method != "POST":
            return TemplateResponse(request, UPLOAD_TEMPLATE, context)
        if not form.is_valid():
            return TemplateResponse(request, UPLOAD_TEMPLATE, context, status=400)
        upload = {
            "files": [
                {"name": f.name, "data": base64.b64encode(f.read()).decode("ascii")}
                for f in form.cleaned_data["document"]
            ],
            "product": form.cleaned_data["product"].strip() or None,
            "publish": form.cleaned_data["publish"],
            "create_products": form.cleaned_data["create_products"],
            "update_existing": False,
        }
        return self._import_preview(request, upload, context)

    def _import_reconsider(self, request):
        """The same upload previewed again, now allowed to update existing entries."""
        upload = request.session.get(SESSION_KEY, {}).get(request.POST["token"])
        if upload is None:
            return HttpResponseBadRequest(
                _("This preview has expired or was already imported. Upload the documents again.")
            )
        upload = {**upload, "update_existing": request.POST.get("update_existing") == "1"}
        context = self._import_context(request, _("Import documents"), form=ImportUploadForm())
        return self._import_preview(request, upload, context)

    def _import_preview(self, request, upload: dict, context: dict):
        try:
            result = _run(upload, dry_run=True)
        except ImportProblem as exc:
            context["form"].add_error(None, str(exc))
            return TemplateResponse(request, UPLOAD_TEMPLATE, context, status=400)
        if not result.accepted:
            # Nothing importable: back to the form, every file's reason shown there.
            for report in result.refused:
                for error in report.parsed.errors:
                    context["form"].add_error(None, error)
            context["refused"] = result.refused
            return TemplateResponse(request, UPLOAD_TEMPLATE, context, status=400)
        token = secrets.token_urlsafe(16)
        # Only the latest few uploads are kept: a session is not a file store.
        uploads = dict(list(request.session.get(SESSION_KEY, {}).items())[-2:])
        uploads[token] = upload
        request.session[SESSION_KEY] = uploads
        context.update(
            title=_("Preview the import"),
            result=result,
            accepted=[(report, file_kind(report.parsed)) for report in result.accepted],
            token=token,
            upload=upload,
            takeovers=_takeovers(result),
        )
        return TemplateResponse(request, PREVIEW_TEMPLATE, context)

    def import_commit_view(self, request):
        self._check_import_permission(request)
        uploads = request.session.get(SESSION_KEY, {})
        upload = uploads.pop(request.POST.get("token", ""), None)
        if upload is None:
            return HttpResponseBadRequest(
                _("This preview has expired or was already imported. Upload the documents again.")
            )
        request.session[SESSION_KEY] = uploads
        try:
            result = _run(upload, dry_run=False, user=request.user)
        except (ImportProblem, StaleEditError) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:issues_issue_import"))
        totals = totals_text(result.totals())
        names = ", ".join(report.name for report in result.accepted)
        self.message_user(
            request,
            _("Imported %(name)s: %(totals)s.") % {"name": names, "totals": totals},
            messages.SUCCESS,
        )
        for report in result.refused:
            for error in report.parsed.errors:
                self.message_user(request, error, messages.WARNING)
        if result.refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d file was refused; nothing was written from it.",
                    "%(count)d files were refused; nothing was written from them.",
                    len(result.refused),
                )
                % {"count": len(result.refused)},
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:issues_issue_changelist"))
