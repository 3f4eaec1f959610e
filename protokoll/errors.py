"""Typed errors. The library raises these; only the CLI turns them into one-line messages.

Every error has a short machine ``code`` (stored in ``documents.error_code``), a one-line
human ``reason``, optional ``path``/``page``/``paragraph`` context and a ``hint`` on how
to fix it.
"""

from __future__ import annotations


class ProtokollError(Exception):
    code = "error"
    hint: str | None = None

    def __init__(self, reason: str, *, path=None, page=None, paragraph=None, hint=None, stage=None):
        # One line, always: a reason is shown in a terminal and stored in a table cell.
        self.reason = " ".join(str(reason).split())
        self.path = None if path is None else str(path)
        self.page = page
        self.paragraph = paragraph
        self.stage = stage
        if hint is not None:
            self.hint = hint
        super().__init__(self.reason)

    def where(self) -> str:
        parts = []
        if self.path:
            parts.append(self.path)
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.paragraph is not None:
            parts.append(f"§ {self.paragraph}")
        return ", ".join(parts)

    def one_line(self) -> str:
        where = self.where()
        return f"{where}: {self.reason}" if where else self.reason

    def __reduce__(self):  # picklable across worker processes
        return (_rebuild, (type(self), self.reason, self.path, self.page, self.paragraph, self.hint, self.stage))


def _rebuild(cls, reason, path, page, paragraph, hint, stage):
    return cls(reason, path=path, page=page, paragraph=paragraph, hint=hint, stage=stage)


class UnsupportedFormat(ProtokollError):
    code = "unsupported"
    hint = "protokoll reads .docx, .doc, .odt, .rtf, .pdf, .txt and .md files"


class CorruptFile(ProtokollError):
    code = "corrupt"
    hint = "open the file in its program and save it again, or get a fresh copy from the archive"


class EncryptedFile(ProtokollError):
    code = "encrypted"
    hint = "remove the password (for example with qpdf --decrypt) and import the copy"


class EmptyDocument(ProtokollError):
    code = "empty"
    hint = "the file has no text: check that it is the right file"


class OcrUnavailable(ProtokollError):
    code = "ocr-unavailable"
    hint = "install Tesseract with Swedish: apt-get install tesseract-ocr tesseract-ocr-swe"


class ConverterUnavailable(ProtokollError):
    code = "converter-unavailable"
    hint = "install LibreOffice: apt-get install libreoffice-writer-nogui"


class ConversionFailed(ProtokollError):
    code = "conversion-failed"
    hint = "open the file in LibreOffice or Word and save it as .docx"


class FileTooLarge(ProtokollError):
    code = "too-large"
    hint = "raise the limit with --max-size if the file is genuine"


class DecompressionBomb(FileTooLarge):
    code = "bomb"
    hint = "the archive expands to far more than it stores: get a genuine copy of the file"


class UnreadableFile(ProtokollError):
    code = "unreadable"
    hint = "check that the file exists and that you may read it"


class TimeLimitExceeded(ProtokollError):
    code = "timeout"
    hint = "raise the per-file limit with --timeout, or import the file on its own"


class DatabaseError(ProtokollError):
    code = "database"
    hint = "check the database path; `protokoll status DB` shows what is in it"


class DatabaseBusy(DatabaseError):
    code = "busy"
    hint = "another import is writing to this database: wait for it to finish"
