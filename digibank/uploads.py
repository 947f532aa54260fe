"""The one check every upload goes through before its content is read.

The legacy import (and any later upload) calls `validate_upload(upload, kinds=[XLSX, CSV],
max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES)` in its form's `clean_file` or its service:
known extension, expected leading bytes, size limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from digibank.exceptions import DigibankError


@dataclass(frozen=True)
class FileKind:
    """An accepted kind of upload: its extensions and the bytes its content starts with."""

    extensions: tuple[str, ...]
    signatures: tuple[bytes, ...] = ()  # empty: text, checked by decoding the first bytes
    text: bool = False


XLSX = FileKind(extensions=(".xlsx",), signatures=(b"PK\x03\x04",))
CSV = FileKind(extensions=(".csv", ".txt"), text=True)
PDF = FileKind(extensions=(".pdf",), signatures=(b"%PDF-",))

_SNIFF_BYTES = 2048


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            # The sniffed head may cut a multi-byte character in two: retry without its tail.
            try:
                head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        return True
    return False


def validate_upload(upload: UploadedFile, *, kinds: Iterable[FileKind], max_bytes: int) -> FileKind:
    """Check an uploaded file before reading it; returns the kind it matched.

    Raises `DigibankError` (field "file") with a plain Dutch message for an empty file, a file
    larger than `max_bytes`, an unknown extension, or content that does not match its extension
    (a renamed program, an HTML page called `.xlsx`).
    """
    kinds = tuple(kinds)
    allowed = ", ".join(ext for kind in kinds for ext in kind.extensions)
    if upload.size is None or upload.size == 0:
        raise DigibankError(_("The file is empty."), field="file")
    if upload.size > max_bytes:
        raise DigibankError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            field="file",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    kind = next((k for k in kinds if extension in k.extensions), None)
    if kind is None:
        raise DigibankError(
            _("This kind of file cannot be used. Choose a file of type: %(allowed)s.")
            % {"allowed": allowed},
            field="file",
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    matches = _looks_like_text(head) if kind.text else head.startswith(kind.signatures)
    if not matches:
        raise DigibankError(
            _("The content of this file does not match its type (%(extension)s).")
            % {"extension": extension},
            field="file",
        )
    return kind
