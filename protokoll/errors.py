"""Typed errors. The library raises these; only the CLI turns them into one-line messages.

Every error has a short machine ``code`` (stored in ``documents.error_code``), a one-line
human ``reason``, optional ``path``/``page``/``paragraph`` context and a ``hint`` on how
to fix it. Reasons and hints say what is wrong and what to change in words; they name no
command-line option (the CLI adds those: ``protokoll/cli_hints.py``).
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
    hint = "raise the size limit if the file is genuine"


class DecompressionBomb(FileTooLarge):
    code = "bomb"
    hint = "the archive expands to far more than it stores: get a genuine copy of the file"


class UnreadableFile(ProtokollError):
    code = "unreadable"
    hint = "check that the file exists and that you may read it"


class FileChanged(UnreadableFile):
    code = "changed"
    hint = "the file was changed while the import ran: run the import again"


class TimeLimitExceeded(ProtokollError):
    code = "timeout"
    hint = "raise the per-file time limit, or import the file on its own"


class DatabaseError(ProtokollError):
    code = "database"
    hint = "check the database path"


class DatabaseBusy(DatabaseError):
    code = "busy"
    hint = "another import is writing to this database: wait for it to finish"


class OutputError(ProtokollError):
    code = "output"
    hint = "choose a file in a folder that exists and that you may write to"


class ServerError(ProtokollError):
    code = "server"
    hint = "choose another port, or stop the program that uses it"


class ClusterError(ProtokollError):
    code = "cluster"
    hint = "check that the Dask scheduler runs at that address and that its workers have joined"


# What to do when the whole database file is to be offered for download while the
# server masks personal identity numbers (the file holds them as stored).
DOWNLOAD_HINT = "leave allow_download off, or serve the numbers as stored (only where that is lawful)"
PORT_FROM_1024 = "choose a port from 1024 up, e.g. 8001"  # the hint for a privileged port


# --------------------------------------------------------------------------- reasons

UNEXPECTED = "an unexpected error in protokoll (a bug: please report it with the file)"

# What the operating system's error numbers mean for a file or folder (os.strerror is
# close, but says "No such file or directory" where the folder is what is missing).
_ERRNO_REASONS = {
    "ENOENT": "no such file or folder",
    "ENOTDIR": "a part of the path is a file, not a folder",
    "EISDIR": "it is a folder, not a file",
    "EACCES": "permission denied",
    "EPERM": "not permitted",
    "EROFS": "the folder is on a read-only medium",
    "ENOSPC": "the disk is full",
    "EDQUOT": "the disk quota is used up",
    "EFBIG": "the file is too large for the file system",
    "EIO": "an input/output error of the disk",
    "ENAMETOOLONG": "the name is too long",
    "EADDRINUSE": "the address is already in use",
    "EADDRNOTAVAIL": "the address is not one of this machine's",
}

# PDFium's error codes (FPDF_ERR_*, pypdfium2's PdfiumError.err_code).
_PDFIUM_REASONS = {
    1: "a PDF that PDFium cannot read",
    2: "the PDF could not be opened",
    3: "a damaged PDF (truncated, or overwritten in part), or not a PDF at all",
    4: "the PDF is encrypted and needs a password to open",
    5: "a PDF with a security handler PDFium does not know",
    6: "a PDF with a damaged page",
}


def os_reason(e: OSError) -> str:
    """A one-line human reason for an OSError (no ``[Errno N]``)."""
    import errno

    name = errno.errorcode.get(e.errno or 0, "")
    return _ERRNO_REASONS.get(name) or (e.strerror or "").lower() or "an input/output error"


def describe(e: BaseException) -> str:
    """A one-line human reason for any exception, never a Python exception name.

    Errors of the libraries that read files (zipfile, zlib, lxml, PDFium, the OS) are
    said in words; anything else is a bug in protokoll and says so.
    """
    if isinstance(e, ProtokollError):
        return e.reason
    if isinstance(e, OSError):
        return os_reason(e)
    module = type(e).__module__ or ""
    text = " ".join(str(e).split())
    if module.startswith("pypdfium2"):
        return _PDFIUM_REASONS.get(getattr(e, "err_code", None), _PDFIUM_REASONS[3])
    if module.startswith("lxml"):
        line = getattr(e, "lineno", None)
        return "damaged XML inside the file" + (f" (line {line})" if line else "")
    if module in ("zipfile", "zlib"):
        return _zip_reason(text)
    if isinstance(e, KeyError):
        return "a part of the document is missing" + (f" ({_quoted(text)})" if _quoted(text) else "")
    return _builtin_reason(e, text)


def _zip_reason(text: str) -> str:
    if "CRC" in text:
        member = _quoted(text)
        return f"a damaged part{f' ({member})' if member else ''}: its checksum does not match"
    if "decompressing" in text or "compress" in text:
        return "compressed data inside the file is damaged"
    if "not a zip file" in text:
        return "not a zip archive, or one whose end is missing (truncated)"
    if "encrypted" in text:
        return "an encrypted zip member (needs a password)"
    return "the zip archive is damaged"


def _builtin_reason(e: BaseException, text: str) -> str:
    if isinstance(e, MemoryError):
        return "ran out of memory"
    if isinstance(e, EOFError):
        return "the file ends too early (truncated)"
    if isinstance(e, UnicodeDecodeError):
        return "text in an encoding protokoll does not know"
    if isinstance(e, RecursionError):
        return "a structure nested too deeply to read"
    if isinstance(e, RuntimeError) and "encrypted" in text:
        return "an encrypted zip member (needs a password)"
    if isinstance(e, NotImplementedError):
        return "uses a feature protokoll cannot read (such as an unknown compression)"
    return UNEXPECTED


def _quoted(text: str) -> str | None:
    start = text.find("'")
    end = text.find("'", start + 1)
    return text[start + 1:end] if 0 <= start < end else None
