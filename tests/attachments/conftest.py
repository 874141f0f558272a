import io

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads land in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_bytes(width=64, height=48, *, colour=(200, 30, 30), exif=None, **save) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(out, format="PNG", **save)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPSInfo: latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"internal host db01.corp")
    return out.getvalue()
