"""An uploaded image or file, stored once per content and addressed by its digest."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def stored_name(instance: "Attachment", filename: str) -> str:
    # Named by digest, never by the uploader's filename: nothing to traverse or collide.
    return f"attachments/{instance.key[:2]}/{instance.key}{instance.extension}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        FILE = "file", _("file")

    # SHA-256 of the stored bytes (after re-encoding), first 32 hex digits: the same
    # screenshot uploaded twice, or imported again, is one attachment.
    key = models.CharField(_("key"), max_length=32, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200)
    name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    alt = models.CharField(
        _("alternative text"),
        max_length=200,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("attachments:serve", args=[self.key, self.name])

    @property
    def extension(self) -> str:
        from attachments.validation import EXTENSIONS

        return EXTENSIONS.get(self.content_type, "")

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE

    def markdown(self) -> str:
        """What an editor pastes into a fix step to show this attachment."""
        from attachments.markdown import attachment_markdown

        return attachment_markdown(self)
