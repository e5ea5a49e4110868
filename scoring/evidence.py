"""Evidence photos: only real JPEG, PNG or WebP images, and not too large."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def evidence_validate(upload: UploadedFile) -> str | None:
    """Why the upload is not acceptable evidence, or None. Checks the bytes, not the name."""
    limit = settings.JFB_UPLOAD_MAX_BYTES
    if upload.size and upload.size > limit:
        return f"佐证照片不能超过 {limit // (1024 * 1024)} MB。"
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        return "佐证文件必须是 JPEG、PNG 或 WebP 图片。"
    finally:
        upload.seek(0)
    if kind not in ALLOWED_FORMATS:
        return "佐证文件必须是 JPEG、PNG 或 WebP 图片。"
    return None
