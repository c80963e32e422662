"""Loading report files: encodings, formats, and every way a file can be unusable."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.report.load import MAX_FILE_BYTES, MAX_TEXT_CHARS, Document, load_bytes, load_path

REPORT = (
    "各位代表：\n"
    "现在，我代表市人民政府，向大会报告政府工作，请予审议。\n"
    "一、2024年工作回顾\n"
    "全市地区生产总值增长4.7%，一般公共预算收入增长3.1%。\n"
    "二、2025年主要预期目标\n"
    "地区生产总值增长5.5%左右，城镇新增就业2.5万人。\n"
)
TRADITIONAL = (
    "各位代表：現在，我代表市人民政府，向大會報告政府工作，請予審議，並請市政協委員提出意見。"
    "過去一年，全市經濟運行穩中有進，地區生產總值增長百分之五點五，財政收入穩步增長，"
    "民生保障持續加強，城鄉居民收入穩定提高。\n"
) * 20


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path_or_data: Path | bytes, name: str = "input.txt") -> str:
    """The message of the InputError that loading raises; checks it is one clean line."""
    with pytest.raises(InputError) as caught:
        if isinstance(path_or_data, Path):
            load_path(path_or_data)
        else:
            load_bytes(path_or_data, name)
    message = str(caught.value)
    assert "\n" not in message
    assert "Traceback" not in message
    return message


# --------------------------------------------------------------------------- bad input


def test_missing_file_is_named(tmp_path: Path) -> None:
    message = refused(tmp_path / "nowhere.txt")
    assert "nowhere.txt" in message and "no such file" in message


def test_directory_is_refused(tmp_path: Path) -> None:
    assert "directory" in refused(tmp_path)


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t  \r\n", "\u3000\u3000\n\n".encode(), "\ufeff  \n".encode()],
    ids=["empty", "spaces", "ideographic-spaces", "bom-only"],
)
def test_empty_or_blank_file(tmp_path: Path, data: bytes) -> None:
    message = refused(write(tmp_path, "blank.txt", data))
    assert "blank.txt" in message
    assert "empty" in message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x00\x01\x02\x03" * 64, "binary"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00IHDR" * 20, "PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00JFIF" * 20, "JPEG image"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "executable"),
        (b"MZ\x90\x00\x03" + b"\x00" * 64, "executable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".doc"),
    ],
    ids=["nul-bytes", "png", "jpeg", "elf", "exe", "old-doc"],
)
def test_binary_data_is_refused(tmp_path: Path, data: bytes, words: str) -> None:
    message = refused(write(tmp_path, "report.txt", data))
    assert "report.txt" in message
    assert words in message


def test_zip_that_is_not_docx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    message = refused(write(tmp_path, "bundle.zip", buffer.getvalue()))
    assert "ZIP archive" in message and "not a Word" in message


def test_undecodable_text(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "garbled.txt", bytes(range(0x80, 0x100)) * 40))
    assert "garbled.txt" in message and "cannot be decoded" in message


def test_text_full_of_control_characters(tmp_path: Path) -> None:
    data = ("政府工作报告\x07\x1b" * 200).encode("utf-8")
    message = refused(write(tmp_path, "controls.txt", data))
    assert "control characters" in message


def test_text_file_over_the_size_limit(tmp_path: Path) -> None:
    line = ("地区生产总值增长5.5%左右。" * 10 + "\n").encode("utf-8")
    data = line * (20 * 1024 * 1024 // len(line) + 1)
    message = refused(write(tmp_path, "huge.txt", data))
    assert "huge.txt" in message
    assert "20.0 MiB" in message and "10 MiB limit" in message
    assert len(data) > MAX_FILE_BYTES["txt"]


def test_file_over_every_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "enormous.pdf"
    with path.open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(60 * 1024 * 1024)
    message = refused(path)
    assert "60.0 MiB" in message and "50 MiB limit" in message


def test_text_over_the_character_limit(tmp_path: Path) -> None:
    data = ("报告" * (MAX_TEXT_CHARS // 2 + 10)).encode("gb18030")
    assert len(data) <= MAX_FILE_BYTES["txt"]
    message = refused(write(tmp_path, "long.txt", data))
    assert "characters" in message and f"{MAX_TEXT_CHARS:,}" in message


# --------------------------------------------------------------------------- encodings


def test_utf8_text_is_returned_as_is(tmp_path: Path) -> None:
    data = REPORT.replace("\n", "\r\n").encode("utf-8")
    document = load_path(write(tmp_path, "report.txt", data))
    assert document == Document(
        text=REPORT.replace("\n", "\r\n"),
        name="report.txt",
        format="txt",
        encoding="utf-8",
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_utf8_with_bom(tmp_path: Path) -> None:
    document = load_path(write(tmp_path, "bom.txt", REPORT.encode("utf-8-sig")))
    assert document.text == REPORT  # the mark is not part of the text
    assert document.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    data = REPORT.encode(codec)
    if codec != "utf-16":
        data = ("\ufeff" + REPORT).encode(codec)
    document = load_path(write(tmp_path, "wide.txt", data))
    assert document.text == REPORT
    assert document.encoding == "utf-16"


@pytest.mark.parametrize("codec", ["gbk", "gb2312", "gb18030"])
def test_gbk_family_is_decoded_as_gb18030(tmp_path: Path, codec: str) -> None:
    document = load_path(write(tmp_path, "gbk.txt", REPORT.encode(codec)))
    assert document.text == REPORT
    assert document.encoding == "gb18030"


def test_gb18030_only_characters(tmp_path: Path) -> None:
    text = REPORT + "㐀𠀀（扩展汉字）\n"
    document = load_path(write(tmp_path, "ext.txt", text.encode("gb18030")))
    assert document.text == text


def test_big5_when_charset_normalizer_is_confident(tmp_path: Path) -> None:
    document = load_path(write(tmp_path, "big5.txt", TRADITIONAL.encode("big5")))
    assert document.text == TRADITIONAL
    assert document.encoding in ("big5", "big5hkscs", "cp950")


def test_utf8_cut_inside_a_character_is_still_read(tmp_path: Path) -> None:
    data = (REPORT * 50).encode("utf-8")[:-1]
    document = load_path(write(tmp_path, "cut.txt", data))
    assert document.text.startswith(REPORT)
    assert document.encoding == "utf-8"


def test_every_seed_loads_unchanged_in_utf8_and_gbk(seeds_dir: Path, tmp_path: Path) -> None:
    seeds = sorted(seeds_dir.glob("*.txt"))
    assert seeds
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        assert load_path(seed).text == text
        gbk = text.encode("gb18030")
        assert load_path(write(tmp_path, seed.name, gbk)).text == text


def test_markdown_is_returned_as_is(tmp_path: Path) -> None:
    text = "# 政府工作报告\n\n- **地区生产总值**增长5.5%左右\n"
    document = load_path(write(tmp_path, "digest.md", text.encode("utf-8")))
    assert (document.format, document.text) == ("md", text)


def test_load_bytes_matches_load_path(tmp_path: Path) -> None:
    data = REPORT.encode("gbk")
    assert load_bytes(data, "r.txt") == load_path(write(tmp_path, "r.txt", data))


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>页面标题</title>
<style>p {{ color: red; }}</style><script>var hidden = "脚本内容";</script></head>
<body><nav>首页 | 政务公开 | 政府工作报告</nav>
<div class="article"><h1>2025年政府工作报告</h1>
<p>各位代表：
   现在，我代表<b>市人民政府</b>，向大会报告政府工作。</p>
<!-- 注释内容 -->
<p>地区生产总值增长5.5%左右<br>城镇新增就业2.5万人</p>
<div style="display:none">隐藏内容</div>
<table><tr><td>指标</td><td>目标</td></tr><tr><td>居民收入</td><td>同步增长</td></tr></table>
</div><script>track("统计代码");</script></body></html>
"""


@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
def test_html_visible_text(tmp_path: Path, codec: str) -> None:
    page = PAGE.format(charset=codec)
    document = load_path(write(tmp_path, "report.html", page.encode(codec)))
    assert document.format == "html"
    lines = document.text.split("\n")
    assert lines[0] == "2025年政府工作报告"
    assert "各位代表： 现在，我代表市人民政府，向大会报告政府工作。" in lines
    assert "地区生产总值增长5.5%左右" in lines  # <br> breaks the line
    assert "城镇新增就业2.5万人" in lines
    assert "居民收入\t同步增长" in lines  # a table row is one line
    for hidden in ("脚本内容", "统计代码", "首页", "注释内容", "隐藏内容", "页面标题", "color"):
        assert hidden not in document.text


def test_html_without_extension_is_detected(tmp_path: Path) -> None:
    page = PAGE.format(charset="utf-8")
    document = load_bytes(page.encode("utf-8"), "download")
    assert document.format == "html"
    assert "<p>" not in document.text and "2025年政府工作报告" in document.text


def test_html_with_no_visible_text(tmp_path: Path) -> None:
    page = "<html><head><script>var a = 1;</script></head><body> <nav>菜单</nav> </body></html>"
    assert "no text" in refused(write(tmp_path, "shell.htm", page.encode()))


def test_deeply_nested_html(tmp_path: Path) -> None:
    page = "<div>" * 5000 + "地区生产总值增长5.5%左右" + "</div>" * 5000
    document = load_path(write(tmp_path, "deep.html", page.encode("utf-8")))
    assert document.text == "地区生产总值增长5.5%左右"


# --------------------------------------------------------------------------- Word


def make_docx() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("杭州市2025年政府工作报告", level=1)
    document.add_paragraph("各位代表：现在，我代表市人民政府，向大会报告政府工作。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "目标"
    table.cell(1, 0).text = "地区生产总值"
    table.cell(1, 1).text = "增长5.5%左右"
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "合并的单元格"
    document.add_paragraph("城镇新增就业2.5万人。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_round_trip(tmp_path: Path) -> None:
    data = make_docx()
    document = load_path(write(tmp_path, "report.docx", data))
    assert document.format == "docx"
    assert document.encoding is None
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.text.split("\n") == [
        "杭州市2025年政府工作报告",
        "各位代表：现在，我代表市人民政府，向大会报告政府工作。",
        "指标\t目标",
        "地区生产总值\t增长5.5%左右",
        "合并的单元格",
        "城镇新增就业2.5万人。",
    ]


@pytest.mark.parametrize("name", ["report.txt", "report", "report.pdf"])
def test_docx_found_by_its_content(name: str) -> None:
    document = load_bytes(make_docx(), name)
    assert document.format == "docx"
    assert "城镇新增就业2.5万人。" in document.text


def test_docx_with_no_text(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    assert "no text" in refused(write(tmp_path, "blank.docx", buffer.getvalue()))


def _zip_without_main_part() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def _docx_with_broken_xml() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            archive.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_docx()[: len(make_docx()) // 2],
        lambda: "这不是Word文档".encode(),
        _zip_without_main_part,
        _docx_with_broken_xml,
    ],
    ids=["truncated", "text-renamed", "zip-without-document", "broken-xml"],
)
def test_corrupt_docx(tmp_path: Path, make) -> None:
    message = refused(write(tmp_path, "broken.docx", make()))
    assert "broken.docx" in message and "corrupt" in message


def test_encrypted_docx(tmp_path: Path) -> None:
    # An encrypted .docx is an OLE2 compound file holding an 'EncryptedPackage' stream.
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    )
    message = refused(write(tmp_path, "secret.docx", data + b"\x00" * 512))
    assert "secret.docx" in message and "encrypted" in message


# --------------------------------------------------------------------------- PDF

PAGE_ONE = ["二〇二五年政府工作报告", "地区生产总值增长5.5%左右。"]
PAGE_TWO = ["城镇新增就业2.5万人，居民收入增长与经济增长同步。"]


def make_pdf(pages: list[list[str]]) -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        for row, line in enumerate(lines):
            pdf.drawString(72, 760 - 20 * row, line)
        if not lines:
            pdf.rect(100, 100, 300, 400, fill=1)  # a picture, no text
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_pdf_with_chinese_text_layer(tmp_path: Path) -> None:
    data = make_pdf([PAGE_ONE, PAGE_TWO])
    document = load_path(write(tmp_path, "report.pdf", data))
    assert (document.format, document.encoding) == ("pdf", None)
    assert document.text.split("\n") == [*PAGE_ONE, *PAGE_TWO]


def test_pdf_found_by_its_content() -> None:
    document = load_bytes(make_pdf([PAGE_TWO]), "report.txt")
    assert document.format == "pdf"
    assert document.text == PAGE_TWO[0]


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "scan.pdf", make_pdf([[], []])))
    assert "scan.pdf" in message
    assert "scanned PDF without a text layer; OCR it first" in message


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", b"just some text named .pdf"],
    ids=["truncated", "no-header"],
)
def test_corrupt_pdf(tmp_path: Path, data: bytes) -> None:
    message = refused(write(tmp_path, "broken.pdf", data))
    assert "broken.pdf" in message and "corrupt" in message


def _encrypted(data: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_password_protected_pdf(tmp_path: Path) -> None:
    data = _encrypted(make_pdf([PAGE_ONE]), user_password="secret")
    message = refused(write(tmp_path, "locked.pdf", data))
    assert "locked.pdf" in message and "encrypted" in message


def test_pdf_with_only_an_owner_password_opens(tmp_path: Path) -> None:
    data = _encrypted(make_pdf([PAGE_ONE]), user_password="")
    document = load_path(write(tmp_path, "restricted.pdf", data))
    assert document.text.split("\n") == PAGE_ONE


def test_kangxi_radicals_from_pdf_fonts_become_hanzi() -> None:
    from summarizer.report.load import _fold_radicals

    assert _fold_radicals("⼀般公共预算收⼊增长⼆成") == "一般公共预算收入增长二成"


# --------------------------------------------------------------------------- purity


def test_loading_and_rendering_import_no_llm_or_ui_library() -> None:
    code = (
        "import sys, summarizer.report.load, summarizer.render\n"
        "heavy = {'litellm', 'openai', 'instructor', 'streamlit', 'docx', 'pypdf', 'bs4'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- bombs


def _pdf_of_one_shared_stream(pages: int, repeat: int) -> bytes:
    """A small PDF whose every page draws the same large content stream (a bomb: each page's
    text is read from all of it)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n" * repeat)
    shared = writer._add_object(stream.flate_encode())
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    resources = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = shared
        page[NameObject("/Resources")] = resources
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_pdf_whose_pages_share_one_huge_stream_is_refused_at_once(tmp_path: Path) -> None:
    data = _pdf_of_one_shared_stream(pages=300, repeat=110_000)
    assert len(data) < 100_000  # a small file: every page draws the same 3.6 MB stream
    started = time.process_time()
    message = refused(write(tmp_path, "bomb.pdf", data))
    assert "bomb.pdf" in message
    assert time.process_time() - started < 20  # read page by page, it takes over 20 minutes


def test_a_corrupt_pdf_prints_one_line(tmp_path: Path, capfd) -> None:
    data = _pdf_of_one_shared_stream(pages=2, repeat=10)
    message = refused(write(tmp_path, "cut.pdf", data[: len(data) // 2]))
    assert "cut.pdf" in message and "corrupt" in message
    out, err = capfd.readouterr()
    assert "EOF marker" not in out + err  # the PDF library's warning stays in our log


def test_a_docx_that_unpacks_past_the_xml_budget_is_refused_unread(tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                body = b"<w:p><w:r><w:t>" + "各位代表".encode() * 8 + b"</w:t></w:r></w:p>"
                data = data.replace(b"<w:body>", b"<w:body>" + body * 600_000, 1)
            archive.writestr(info.filename, data)
    packed = buffer.getvalue()
    assert len(packed) < 2_000_000
    started = time.process_time()
    message = refused(write(tmp_path, "big.docx", packed))
    assert "big.docx" in message and "MiB" in message
    assert time.process_time() - started < 10
