"""Load a report file into text: plain text, Markdown, HTML, Word (.docx) or PDF.

The first stage of the pipeline.  Everything a user can hand us passes through here, so
each way a file can be unusable ends in an :class:`~summarizer.errors.InputError` with a
one-line message that names the file and the problem.

Text files are decoded in this order: a byte-order mark (UTF-8, UTF-16, UTF-32), strict
UTF-8, strict GB18030 (a superset of GBK and GB2312, the usual encodings of Chinese
government files) when the result reads as simplified Chinese, then charset-normalizer's
best guess (Big5, for instance) when it is confident.  Text whose decoding yields many
replacement or control characters is refused rather than passed on as mojibake.

The text is returned as decoded: line endings (CRLF) and white space are kept, because
evidence offsets point into exactly this text; :mod:`summarizer.report.normalize` cleans it.

Only regular files are read (a symbolic link to one is fine): a device such as /dev/zero, a
named pipe or a socket is refused before it is opened, checked again on the opened
descriptor (never blocking on a pipe), and reading stops one byte past the size limit
whatever the file system says the size is.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import io
import logging
import os
import re
import stat
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.errors import InputError

if TYPE_CHECKING:
    from bs4 import Tag
    from docx.document import Document as WordDocument
    from docx.table import Table, _Cell

__all__ = [
    "Document", "FORMATS", "MAX_FILE_BYTES", "MAX_TEXT_CHARS", "load_path", "load_bytes", "html_text",
    "file_problem", "open_regular",
]  # fmt: skip

MiB = 1024 * 1024
FORMATS = ("txt", "md", "html", "docx", "pdf")
MAX_FILE_BYTES: dict[str, int] = {
    "txt": 10 * MiB,
    "md": 10 * MiB,
    "html": 10 * MiB,
    "docx": 50 * MiB,
    "pdf": 50 * MiB,
}
MAX_TEXT_CHARS = 2_000_000
# The most a .docx may hold once unzipped (guards against zip bombs).
# A report's Word XML is a few MiB; 48 MiB of XML is past any report and still read in
# seconds (a 1 MB file can unpack to hundreds of MiB and take minutes to parse).
_MAX_DOCX_XML_BYTES = 48 * MiB
# A report's PDF pages hold tens of KiB of drawing instructions each; reading the text of
# a page costs about a second per MiB of them.
MAX_PDF_PAGES = 2000
_MAX_PDF_CONTENT = 256 * MiB
_MAX_PDF_PAGE_CONTENT = 1 * MiB

_EXTENSIONS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".docx": "docx", ".pdf": "pdf",
}  # fmt: skip
_SUPPORTED = "supported formats: .txt, .md, .html, .docx, .pdf"

# Signatures of binary files that are not reports, and what to call them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"MZ", "a Windows executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"{\\rtf", "an RTF document (save it as .docx or .txt)"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# (byte-order mark, codec for the data after it, the encoding reported)
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ALLOWED_CONTROLS = set("\t\n\r\f\v")
# Replacement, control (other than tab and line breaks) and private-use characters.
_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")
# What UTF-16 text without a byte-order mark is made of: ASCII text and Chinese.
_PLAIN_UTF16 = re.compile(r"[\t\n\r\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Encodings whose data is decoded with a wider codec.
_CODEC_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030"}
# Charsets an HTML page may declare that are worth trying before the usual order.
_DECLARABLE = ("utf-8", "gb18030", "big5", "big5hkscs", "cp950")


@dataclass(frozen=True)
class Document:
    """A report as loaded: its text and where it came from."""

    text: str  # decoded text; for .docx/.pdf/.html the extracted text, one block per line
    name: str  # the file name, or the name given
    format: str  # one of FORMATS
    encoding: str | None  # the detected encoding of a text format; None for .docx and .pdf
    sha256: str  # of the raw bytes


def load_path(path: str | Path) -> Document:
    """Read and decode a report file; raise :class:`InputError` if it cannot be used."""
    path = Path(path)
    limit = max(MAX_FILE_BYTES.values())
    fmt = _EXTENSIONS.get(path.suffix.lower())
    try:
        fd, size = open_regular(path)
        try:
            # Refuse what is too large for any format before reading it; the limit of the
            # actual format is checked once the content has been seen.
            if size > limit:
                raise _too_large(path.name, size, fmt or "pdf")
            data = _read_at_most(fd, limit + 1)
        finally:
            os.close(fd)
    except OSError as error:
        raise InputError(f"{path}: {_os_problem(path, error)}") from None
    if len(data) > limit:
        raise _too_large(path.name, len(data), fmt or "pdf")
    return load_bytes(data, path.name)


_NOT_REGULAR = (
    (stat.S_ISDIR, "is a directory, not a file"),
    (stat.S_ISCHR, "is a character device, not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)


def _kind_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return next((text for test, text in _NOT_REGULAR if test(mode)), "is not a regular file")


def _os_problem(path: Path, error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "a symbolic link to a missing file" if path.is_symlink() else "no such file"
    if error.errno == errno.ELOOP:
        return "a symbolic link loop"
    return f"cannot be read ({error.strerror or error})"


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a report file (a device, a pipe, a socket, a folder, a
    link loop or a dangling link, …), or None for a regular file.  Never blocks or reads."""
    try:
        return _kind_problem(os.stat(path).st_mode)
    except OSError as error:
        return _os_problem(path, error)


def open_regular(path: Path) -> tuple[int, int]:
    """Open a regular file for reading without ever blocking; its descriptor and size.

    Anything else raises :class:`InputError`: it is refused before it is opened, and checked
    again on the opened descriptor (the path may have been swapped for a pipe meanwhile:
    ``O_NONBLOCK`` keeps open() from waiting for a writer).  OSError passes through.
    """
    problem = _kind_problem(os.stat(path).st_mode)
    if problem is None:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        info = os.fstat(fd)
        problem = _kind_problem(info.st_mode)
        if problem is None:
            return fd, info.st_size
        os.close(fd)
    raise InputError(f"{path}: {problem}")


def _read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from a descriptor, to its end if it has fewer."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def load_bytes(data: bytes, name: str) -> Document:
    """Decode a report from its bytes (an upload, say); ``name`` gives its extension."""
    if not data:
        raise InputError(f"{name}: the file is empty")
    fmt = _detect_format(data, name)
    if len(data) > MAX_FILE_BYTES[fmt]:
        raise _too_large(name, len(data), fmt)
    encoding: str | None = None
    if fmt == "docx":
        text = _docx_text(data, name)
    elif fmt == "pdf":
        text = _pdf_text(data, name)
    else:
        text, encoding = _decode(data, name, html=fmt == "html")
        if fmt == "txt" and _has_no_extension(name) and _HTML_START.match(text[:4096]):
            fmt = "html"
        if fmt == "html":
            text = html_text(text)
    if not text.strip():
        raise InputError(f"{name}: the file contains no text (empty or only white space)")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"{name}: the text has {len(text):,} characters, over the limit of {MAX_TEXT_CHARS:,}"
        )
    return Document(text, name, fmt, encoding, hashlib.sha256(data).hexdigest())


# --------------------------------------------------------------------------- format


def _has_no_extension(name: str) -> bool:
    return Path(name).suffix.lower() not in _EXTENSIONS


def _too_large(name: str, size: int, fmt: str) -> InputError:
    kind = "Word and PDF files" if fmt in ("docx", "pdf") else "text files"
    return InputError(
        f"{name}: the file is {size / MiB:.1f} MiB, over the "
        f"{MAX_FILE_BYTES[fmt] // MiB} MiB limit for {kind}"
    )


def _detect_format(data: bytes, name: str) -> str:
    """The format of the data: its content's signature first, then the file extension."""
    by_extension = _EXTENSIONS.get(Path(name).suffix.lower())
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_ZIP):
        if _is_docx(data):
            return "docx"
        if by_extension == "docx":
            raise InputError(f"{name}: the Word document is corrupt (not a valid .docx package)")
        raise InputError(f"{name}: this is a ZIP archive, not a Word .docx document; {_SUPPORTED}")
    if data.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(
                f"{name}: the document is encrypted (password-protected); "
                "save an unprotected copy first"
            )
        raise InputError(
            f"{name}: this is an old binary Office file (.doc/.xls/.wps); save it as .docx first"
        )
    if by_extension == "docx":
        raise InputError(f"{name}: the Word document is corrupt (not a valid .docx package)")
    if by_extension == "pdf":
        raise InputError(f"{name}: the PDF is corrupt (no PDF header found)")
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        for magic, what in _MAGIC:
            # Two-letter signatures (BM, MZ) could open a text file: require binary data too.
            if data.startswith(magic) and (len(magic) > 2 or b"\x00" in data[:1024]):
                raise InputError(f"{name}: this is {what}, not a text document; {_SUPPORTED}")
    return by_extension or "txt"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    if "word/document.xml" in names:
        return True
    return "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)


# --------------------------------------------------------------------------- text


def _bad_chars(text: str) -> int:
    return len(_BAD_CHARS.findall(text))


def _readable(text: str) -> bool:
    return _bad_chars(text) <= 0.01 * len(text)


def _reads_as_simplified(text: str) -> bool:
    """Whether GB18030-decoded text is real Chinese rather than another encoding misread.

    Chinese government text is written almost entirely in the GB2312 repertoire; UTF-8 or
    Big5 bytes misread as GB18030 land on rare characters outside it half of the time.
    """
    sample = text[:200_000]
    if not _readable(sample):
        return False
    hanzi = Counter(_CJK.findall(sample))
    total = sum(hanzi.values())
    common = sum(count for ch, count in hanzi.items() if _in_gb2312(ch))
    return common >= 0.85 * total


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii").lower()
    try:
        codec = codecs.lookup(_CODEC_ALIASES.get(label, label)).name
    except LookupError:
        return None
    return codec if codec in _DECLARABLE else None


def _decode(data: bytes, name: str, *, html: bool = False) -> tuple[str, str]:
    """Decode text bytes; return the text and the encoding used."""
    for bom, codec, reported in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                raise InputError(
                    f"{name}: the text cannot be decoded: it starts with a {reported} "
                    "byte-order mark but is not valid in that encoding"
                ) from None
            return _checked(text, name, reported), reported
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return _checked(utf16[0], name, utf16[1]), utf16[1]
        raise InputError(f"{name}: binary data (NUL bytes), not a text document; {_SUPPORTED}")

    declared = _declared_charset(data) if html else None
    for codec in dict.fromkeys([declared or "utf-8", "utf-8", "gb18030"]):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec != "gb18030" or codec == declared or _reads_as_simplified(text):
            return _checked(text, name, codec), codec

    guess = _charset_normalizer_guess(data)
    if guess:
        return guess
    # A few broken bytes (a file cut inside a character, say) are not worth refusing for.
    for codec in ("utf-8", "gb18030"):
        text = data.decode(codec, errors="replace")
        few = text.count("\ufffd") <= max(2, len(text) // 10_000)
        if few and _readable(text) and (codec == "utf-8" or _reads_as_simplified(text)):
            return text, codec
    raise InputError(f"{name}: the text cannot be decoded (not UTF-8, UTF-16, GB18030/GBK or Big5)")


def _checked(text: str, name: str, codec: str) -> str:
    bad = _bad_chars(text)
    if bad > 0.01 * len(text):
        raise InputError(
            f"{name}: decoding as {codec} yields {bad:,} replacement or control characters; "
            "this is binary data or an unknown encoding"
        )
    return text


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Text in UTF-16 without a byte-order mark, if the data reads as such."""
    if len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    codec = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    plain = len(_PLAIN_UTF16.findall(text))
    return (text, codec) if plain >= 0.95 * len(text) else None


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 2 * MiB]).best()
    if best is None or best.chaos > 0.1:
        return None
    codec = _CODEC_ALIASES.get(best.encoding, best.encoding)
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    if not _readable(text) or (codec == "gb18030" and not _reads_as_simplified(text)):
        return None
    if codec in ("big5", "big5hkscs", "cp950") or _CJK.search(text[:200_000]):
        return text, codec
    # Without any Chinese, the guess must at least read as some language.
    return (text, codec) if best.coherence >= 0.5 else None


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = ("script", "style", "nav", "noscript", "template", "head", "iframe", "svg", "object")
_BLOCK_TAGS = frozenset(
    (
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html",
        "legend", "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "tfoot", "thead", "tr", "ul",
    )
)  # fmt: skip
_CELL_TAGS = frozenset(("td", "th"))
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def html_text(markup: str) -> str:
    """The visible text of an HTML page: one block element per line, scripts dropped."""
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
    from bs4.element import CData, ProcessingInstruction

    soup = BeautifulSoup(markup, "html.parser")
    skip = (Comment, Declaration, Doctype, CData, ProcessingInstruction)
    out: list[str] = []
    # An explicit stack: old pages nest unclosed tags deeper than Python's recursion limit.
    stack: list[tuple[object, bool] | str] = [(soup, False)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node, pre = item
        if isinstance(node, NavigableString):
            if not isinstance(node, skip):
                out.append(str(node) if pre else _SPACES.sub(" ", str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in _DROP_TAGS or _hidden(node):
            continue
        if name == "br":
            out.append("\n")
            continue
        edge = "\n" if name in _BLOCK_TAGS else "\t" if name in _CELL_TAGS else ""
        pre = pre or name == "pre"
        out.append(edge)
        stack.append(edge)
        stack.extend((child, pre) for child in reversed(node.contents))
    lines = (line.strip() for line in "".join(out).split("\n"))
    return "\n".join(_tidy_cells(line) for line in lines if line)


def _hidden(tag: Tag) -> bool:
    return tag.has_attr("hidden") or bool(_HIDDEN_STYLE.search(str(tag.get("style") or "")))


def _tidy_cells(line: str) -> str:
    """Collapse the tabs around table cells to one between neighbouring cells."""
    return re.sub(r"\s*\t\s*", "\t", line).strip("\t ") if "\t" in line else line


# --------------------------------------------------------------------------- Word


def _docx_text(data: bytes, name: str) -> str:
    corrupt = f"{name}: the Word document is corrupt or unreadable"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(corrupt) from None
    if unpacked > _MAX_DOCX_XML_BYTES:
        raise InputError(
            f"{name}: the Word document unpacks to over {_MAX_DOCX_XML_BYTES // MiB} MiB"
        )

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _docx_blocks(document, lines)
    except Exception as error:  # python-docx raises many kinds on malformed parts
        raise InputError(f"{corrupt} ({type(error).__name__})") from None
    return "\n".join(lines)


def _docx_blocks(container: WordDocument | _Cell, lines: list[str]) -> None:
    """Append the paragraphs and tables of a document or table cell, in document order."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            _docx_table(block, lines)
        elif block.text.strip():
            lines.append(block.text)


def _docx_table(table: Table, lines: list[str]) -> None:
    """A simple row becomes one tab-separated line; a row holding long text, its blocks."""
    for row in table.rows:
        cells: list[_Cell] = []
        for cell in row.cells:  # a merged cell repeats (same <w:tc> element); keep it once
            if not cells or cell._tc is not cells[-1]._tc:
                cells.append(cell)
        simple = all(
            len(cell.tables) == 0 and sum(1 for p in cell.paragraphs if p.text.strip()) <= 1
            for cell in cells
        )
        if simple:
            texts = [
                " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
                for cell in cells
            ]
            if any(texts):
                lines.append("\t".join(texts))
        else:
            for cell in cells:
                _docx_blocks(cell, lines)


# --------------------------------------------------------------------------- PDF


class _ToDebug(logging.Handler):
    """The PDF library's warnings ("EOF marker not found") as debug lines of our own log,
    never on the user's screen: the one-line error says what matters."""

    def emit(self, record: logging.LogRecord) -> None:
        _LOG.debug("pypdf: %s", record.getMessage())


_LOG = logging.getLogger(__name__)
_PYPDF_LOG = logging.getLogger("pypdf")


def _quiet_pypdf() -> None:
    if not any(isinstance(h, _ToDebug) for h in _PYPDF_LOG.handlers):
        _PYPDF_LOG.addHandler(_ToDebug())
        _PYPDF_LOG.propagate = False


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    _quiet_pypdf()

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # Many official PDFs carry only an owner password: they open with an empty one.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise InputError(
                f"{name}: the PDF is encrypted (password-protected); save an unprotected copy first"
            )
        pages = _pdf_pages(reader, name)
    except InputError:
        raise
    except DependencyError:
        raise InputError(
            f"{name}: the PDF is AES-encrypted; reading it needs the 'cryptography' package "
            "(pip install 'pypdf[crypto]') or an unprotected copy"
        ) from None
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise InputError(
            f"{name}: the PDF is corrupt or unreadable ({type(error).__name__})"
        ) from None
    if not pages:
        raise InputError(f"{name}: the PDF has no pages")
    text = _fold_radicals("\n".join(page.strip("\n") for page in pages))
    if not text.strip():
        raise InputError(f"{name}: scanned PDF without a text layer; OCR it first")
    if not _readable(text):
        raise InputError(
            f"{name}: the PDF's text layer is unreadable (fonts without a Unicode map); OCR it first"
        )
    return text


def _content_bytes(page: Any) -> int:
    """The decoded size of a page's drawing instructions (its content streams)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(stream.get_object().get_data()) for stream in streams)


def _pdf_pages(reader: Any, name: str) -> list[str]:
    """The text of every page, read within budgets checked as the text comes out: a page
    count, the size of the drawing instructions the text is read from (a small file can make
    every page share one huge content stream), and the characters read so far."""
    if len(reader.pages) > MAX_PDF_PAGES:
        raise InputError(f"{name}: the PDF has {len(reader.pages):,} pages, over the limit of {MAX_PDF_PAGES:,}")
    pages: list[str] = []
    content = chars = 0
    for page in reader.pages:
        size = _content_bytes(page)
        content += size
        if content > _MAX_PDF_CONTENT:
            raise InputError(
                f"{name}: the PDF's pages hold over {_MAX_PDF_CONTENT // MiB} MiB of drawing "
                "instructions: not the text layer of a report"
            )
        if size > _MAX_PDF_PAGE_CONTENT:
            pages.append("")  # a page of drawing (a map, a chart): no text is read from it
            continue
        text = page.extract_text() or ""
        chars += len(text)
        if chars > MAX_TEXT_CHARS:
            raise InputError(
                f"{name}: the PDF's text is over the limit of {MAX_TEXT_CHARS:,} characters"
            )
        pages.append(text)
    return pages


_RADICALS = re.compile(r"[\u2e80-\u2eff\u2f00-\u2fdf]")


def _fold_radicals(text: str) -> str:
    """Map Kangxi radicals, which PDF fonts often emit for common hanzi (⼀ for 一), to hanzi.

    Each radical maps to exactly one character, so the text keeps its length.
    """

    def fold(match: re.Match[str]) -> str:
        folded = unicodedata.normalize("NFKC", match.group())
        return folded if len(folded) == 1 else match.group()

    return _RADICALS.sub(fold, text)
