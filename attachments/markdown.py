"""The Markdown an editor pastes (or the importer writes) to show an attachment.

Images are written as an ``<img>`` tag with width, height and alt text: the renderer's
sanitizer keeps exactly those attributes for same-site images, and readers' pages then
reserve the image's space before it loads.
"""

from html import escape

from django.utils.translation import gettext as _


def image_markdown(*, url: str, alt: str, width: int, height: int) -> str:
    return (
        f'<img src="{escape(url)}" alt="{escape(alt)}" width="{int(width)}" height="{int(height)}">'
    )


def file_markdown(*, url: str, name: str, size: int) -> str:
    label = name.replace("[", "(").replace("]", ")")
    return f"[{label}]({url}) ({_('%(size)d KB') % {'size': max(1, size // 1024)}})"


def attachment_markdown(attachment) -> str:
    if attachment.is_image:
        return image_markdown(
            url=attachment.get_absolute_url(),
            alt=attachment.alt or attachment.name,
            width=attachment.width,
            height=attachment.height,
        )
    return file_markdown(
        url=attachment.get_absolute_url(), name=attachment.name, size=attachment.size
    )
