"""Typed failures of reading a document, each tied to the ParseStatus it is stored as."""

from __future__ import annotations

from typing import ClassVar

from storage.records import ParseStatus


class DocumentError(Exception):
    """A document's bytes cannot be read; `status` is what storage records for it."""

    status: ClassVar[ParseStatus] = "corrupt"


class EncryptedPdf(DocumentError):
    """The PDF needs a password we do not have (owner-only protection is read fine)."""

    status: ClassVar[ParseStatus] = "encrypted"


class CorruptPdf(DocumentError):
    """Not a readable PDF: broken structure, truncated download, garbage bytes."""

    status: ClassVar[ParseStatus] = "corrupt"


class MemoryLimit(DocumentError):
    """Reading the document needed more memory than a worker may use."""

    status: ClassVar[ParseStatus] = "too_large"
