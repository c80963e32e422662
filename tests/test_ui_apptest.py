"""The web UI without a browser: its pure helpers, and the app under Streamlit's AppTest.

AppTest runs ``ui/app.py`` in this process, so a test double for the LLM engine is
installed with monkeypatch; nothing here reaches the network.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from summarizer.errors import EngineError
from summarizer.report.load import MAX_FILE_BYTES
from summarizer.schema import (
    EngineInfo,
    Evidence,
    NumberCheck,
    ReportSummary,
    Target,
    Verification,
)

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "ui" / "app.py"
sys.path.insert(0, str(ROOT / "ui"))

import present  # noqa: E402

SECRET = "sk-test-0123456789abcdef"


# =========================================================================== pure helpers


PUNCTUATION = set(r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~""")


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
    assert escaped.replace("\\", "") == text


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
    assert "\\[链接\\]\\(http\\:\\/\\/x\\)" in markdown
    assert ":yellow-background[**目标\\]\\*\\*注入\\*\\***]" in markdown


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


# =========================================================================== the app


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _choose_seed(at: AppTest, key: str) -> AppTest:
    at.selectbox(key="seed").select(key).run()
    assert not at.exception, at.exception
    return at


def _open_tab(at: AppTest, label: str) -> AppTest:
    at.session_state["tab"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def _plain(markdown: str) -> str:
    """Escaped Markdown as the reader sees it."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _texts(at: AppTest) -> list[str]:
    """Every piece of Markdown-rendered text on the page (main area and sidebar)."""
    texts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        texts += [element.value for element in getattr(at, kind)]
    texts += [expander.label for expander in at.expander]
    texts += [metric.label for metric in at.metric]
    texts += [metric.help or "" for metric in at.metric]
    return texts


def _page_dump(at: AppTest) -> str:
    """Everything the page holds, widgets included, as one string."""
    return "\n".join(str(getattr(node, "proto", "")) for node in _walk(at._tree))


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def test_the_welcome_page_explains_what_to_do():
    at = _app()
    assert at.title[0].value == "政府工作报告摘要"
    assert "示例报告" in at.markdown[0].value
    assert at.selectbox(key="seed").value is None


def test_choosing_seed_003_shows_the_summary_with_verified_figures():
    at = _choose_seed(_app(), "003")
    assert at.title[0].value == "2025年杭州市政府工作报告"
    metrics = {metric.label: metric for metric in at.metric}
    assert metrics["地区"].value == "杭州市"
    assert metrics["报告年份"].value == "2025"
    gdp = [metric for metric in at.metric if metric.label == "地区生产总值"]
    assert [metric.value for metric in gdp] == ["21860亿元", "增长4.7%"]
    assert all(metric.delta == "已核实" for metric in gdp)
    # Hovering a figure shows the sentence it came from.
    assert "全市地区生产总值21860亿元" in gdp[0].help
    assert [button.label for button in at.download_button] == [
        "下载 JSON",
        "下载 Markdown",
        "下载目标 CSV",
    ]


def test_targets_table_lists_gdp_with_its_target_and_verified_status():
    at = _open_tab(_choose_seed(_app(), "003"), "主要目标")
    table = at.dataframe[0].value
    assert list(table.columns) == ["指标", "目标", "数值", "单位", "限定词", "核实"]
    gdp = table[table["指标"] == "地区生产总值"].iloc[0]
    assert (gdp["目标"], gdp["数值"], gdp["单位"], gdp["限定词"], gdp["核实"]) == (
        "增长5.5%左右",
        "5.5",
        "%",
        "左右",
        "✓ 已核实",
    )
    income = table[table["指标"] == "居民收入"].iloc[0]
    assert income["核实"] == "— 无数字"


def test_picking_a_target_highlights_its_source_sentence():
    at = _open_tab(_choose_seed(_app(), "003"), "主要目标")
    picker = at.selectbox(
        key=next(k for k in at.session_state if str(k).startswith("pick_targets_"))
    )
    picker.select(1).run()
    highlighted = [m.value for m in at.markdown if "yellow-background" in m.value]
    assert len(highlighted) == 1
    assert ":yellow-background[**全社会研发经费投入强度4\\%以上**]" in highlighted[0]
    assert "主要预期目标" in highlighted[0]  # the surrounding sentence is shown too


def test_locating_a_source_opens_the_text_tab_with_the_sentence_highlighted():
    at = _open_tab(_choose_seed(_app(), "003"), "主要目标")
    at.button(
        key=next(k for k in at.session_state if str(k).startswith("goto_targets_"))
    ).click().run()
    assert at.session_state["tab"] == "原文"
    assert any(m.value.startswith("高亮：**地区生产总值：增长5\\.5\\%左右**") for m in at.markdown)
    body = [m.value for m in at.markdown if "yellow-background" in m.value]
    assert len(body) == 1 and ":yellow-background[**地区生产总值增长5\\.5\\%左右**]" in body[0]
    # Paragraphs far above the highlight are folded away, so it opens near the top.
    assert at.expander[0].label.startswith("前文")


def test_key_tasks_list_their_areas_and_items():
    at = _open_tab(_choose_seed(_app(), "003"), "重点任务")
    assert len(at.expander) == 9
    assert at.expander[0].label.startswith("（一）聚焦打好政策")
    assert "全力争取上级政策" in at.expander[0].markdown[0].value


def test_a_truncated_report_warns_and_invents_no_targets():
    at = _choose_seed(_app(), "001")
    assert any("截断" in warning.value for warning in at.warning)
    at = _open_tab(at, "主要目标")
    assert not at.dataframe
    assert at.info[0].value == "本报告中没有找到主要预期目标。"


def test_compare_lays_two_reports_side_by_side_by_indicator():
    at = _choose_seed(_choose_seed(_app(), "003"), "004")
    at = _open_tab(at, "对比")
    assert len(at.multiselect(key="compare_pick").value) == 2
    table = at.dataframe[0].value
    assert list(table.columns)[:3] == ["指标", "杭州市 2025", "上城区 2025"]
    gdp = table[table["指标"] == "地区生产总值"].iloc[0]
    assert gdp["杭州市 2025"] == gdp["上城区 2025"] == "增长5.5%左右"


def test_compare_tracks_last_years_targets_of_the_same_region():
    at = _open_tab(_choose_seed(_app(), "002"), "对比")
    at.multiselect(key="compare_pick").select("seed:000").run()
    assert not at.exception
    assert any(header.value == "余杭区 2024 年目标的完成情况" for header in at.subheader)
    tracked = at.dataframe[1].value
    gdp = tracked[tracked["指标"] == "地区生产总值"].iloc[0]
    assert (gdp["目标"], gdp["结果"], gdp["判断"]) == ("增长6%", "增长6.0%", "达成")


def _upload(at: AppTest, name: str, data: bytes, mime: str = "application/octet-stream") -> AppTest:
    at.segmented_control(key="source").set_value("upload").run()
    at.file_uploader(key="upload").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def test_an_unreadable_upload_gets_a_clear_message():
    at = _upload(_app(), "report.pdf", b"this is not a PDF at all", "application/pdf")
    assert [_plain(error.value) for error in at.error] == [
        "无法读取这个文件：report.pdf: the PDF is corrupt (no PDF header found)"
    ]
    assert at.title[0].value == "政府工作报告摘要"  # nothing was summarised


def test_an_oversized_upload_gets_a_clear_message():
    data = b"a" * (MAX_FILE_BYTES["txt"] + 1)
    at = _upload(_app(), "big.txt", data, "text/plain")
    (error,) = at.error
    assert "big.txt: the file is 10.0 MiB, over the 10 MiB limit" in _plain(error.value)


def test_a_word_upload_is_summarised(seed_text):
    import docx

    document = docx.Document()
    for line in seed_text("003").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    at = _upload(
        _app(),
        "杭州.docx",
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert at.title[0].value == "2025年杭州市政府工作报告"


def test_pasted_text_is_summarised_and_non_reports_are_refused(seed_text):
    at = _app()
    at.segmented_control(key="source").set_value("paste").run()
    at.text_area(key="paste").input(seed_text("004")).run()
    assert not at.exception
    assert at.title[0].value == "上城区2025年政府工作报告"
    at.text_area(key="paste").input("hello world, this is not a report " * 20).run()
    assert any(
        "does not look like a Chinese government work report" in _plain(e.value) for e in at.error
    )


def test_an_engine_defect_is_reported_without_a_traceback(monkeypatch, seed_text):
    def broken(report):
        raise RuntimeError("internal detail")

    monkeypatch.setattr("summarizer.engines.rules.summarize", broken)
    at = _app()
    at.segmented_control(key="source").set_value("paste").run()
    at.text_area(key="paste").input(seed_text("004") + "\n（测试）").run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("规则引擎处理这份文本时出错（RuntimeError）")
    assert "internal detail" not in error.value


def test_document_text_never_becomes_active_markdown(seed_text):
    injected = "<img src=x onerror=alert(1)>[点我](http://evil.example) :red[注入] **粗**"
    text = seed_text("003").replace(
        "2025年杭州市政府工作报告", f"2025年杭州市政府工作报告{injected}", 1
    )
    text = text.replace("（一）", f"（一）{injected}", 1)
    at = _app()
    at.segmented_control(key="source").set_value("paste").run()
    at.text_area(key="paste").input(text).run()
    assert not at.exception
    rendered = _texts(at) + _texts(_open_tab(at, "原文"))
    assert any("evil" in text for text in rendered)  # the text is shown...
    for text in rendered:  # ...but only escaped
        assert not re.search(r"(?<!\\)<img", text), text
        assert not re.search(r"(?<!\\)\]\(http", text), text
        assert not re.search(r"(?<!\\):red(?<!\\)\[", text), text


class FakeLLM:
    """Test double for the LLM engine: reports progress twice, then returns a summary."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.options: list[dict] = []

    def __call__(self, name: str = "rules", config=None, **_: object):
        from summarizer.engines import create_engine

        if name != "llm":
            return create_engine(name)
        self.options.append(
            {"model": config.model, "api_base": config.api_base, "api_key": config.api_key}
        )
        return _FakeLLMEngine(self, config.model)


class _FakeLLMEngine:
    """Stands in for the LLM engine: the rules summary, delivered in two steps."""

    name = "llm"

    def __init__(self, owner: FakeLLM, model: str) -> None:
        self.owner, self.model = owner, model

    def summarize(self, report):
        return list(self.progress(report))[-1].summary

    def progress(self, report):
        from summarizer.engines import EngineProgress
        from summarizer.engines.rules import summarize as rules_summarize

        if self.owner.error is not None:
            raise self.owner.error
        summary = rules_summarize(report).model_copy(
            update={"engine": EngineInfo(name="llm", model=self.model)}
        )
        partial = summary.model_copy(update={"targets": summary.targets[:1], "task_areas": []})
        yield EngineProgress(1, 2, "targets", partial)
        yield EngineProgress(2, 2, "tasks", summary)


@pytest.fixture
def fake_llm(monkeypatch):
    fake = FakeLLM()
    monkeypatch.setattr("summarizer.engines.create_engine", fake)
    return fake


def _llm_app(at: AppTest | None = None) -> AppTest:
    at = at or _app()
    at.radio(key="engine").set_value("llm").run()
    at.text_input(key="llm_model").input("openai/test-model").run()
    at.text_input(key="llm_api_base").input("http://127.0.0.1:9/v1").run()
    return _choose_seed(at, "003")


def test_the_llm_engine_runs_on_request_and_shows_progress(fake_llm):
    at = _llm_app()
    assert not fake_llm.options  # choosing a report does not start a slow model run
    assert "用大模型生成摘要" in at.info[0].value
    at.button[0].click().run()
    assert not at.exception
    (options,) = fake_llm.options
    assert options["model"] == "openai/test-model"
    assert options["api_base"] == "http://127.0.0.1:9/v1"
    assert at.title[0].value == "2025年杭州市政府工作报告"
    assert any(
        "大模型 openai/test-model" in caption.value.replace("\\", "") for caption in at.caption
    )
    assert any(status.label == "摘要已生成" for status in at.status)
    # The partial results were drawn while the run was going.
    assert any("主要目标（5）" in m.value for m in at.markdown)
    # A second visit reuses the summary instead of calling the model again.
    at.run()
    assert len(fake_llm.options) == 1


def test_an_api_key_from_secrets_is_used_but_never_shown(fake_llm):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["llm_api_key"] = SECRET
    at.run()
    at = _llm_app(at)
    assert any("Streamlit secrets" in caption.value for caption in at.sidebar.caption)
    at.button[0].click().run()
    assert fake_llm.options[0]["api_key"] == SECRET
    dump = _page_dump(at)
    assert "全市地区生产总值21860亿元" in dump and SECRET not in dump


def test_an_engine_error_is_shown_with_the_key_masked(monkeypatch):
    monkeypatch.setenv("SUMMARIZER_API_KEY_ENV", "TEST_PROVIDER_KEY")
    monkeypatch.setenv("TEST_PROVIDER_KEY", SECRET)
    fake = FakeLLM(EngineError(f"the server refused the key {SECRET} (HTTP 401)"))
    monkeypatch.setattr("summarizer.engines.create_engine", fake)
    at = _llm_app()
    assert any("TEST_PROVIDER_KEY" in caption.value for caption in at.sidebar.caption)
    at.button[0].click().run()
    assert not at.exception
    (error,) = at.error
    assert _plain(error.value).startswith("大模型引擎出错：the server refused the key ***")
    assert SECRET not in _page_dump(at)


def test_summarizer_ui_starts_streamlit_on_the_app_with_its_settings(monkeypatch):
    from typer.testing import CliRunner

    from summarizer.cli import app

    calls = []
    monkeypatch.setattr("os.execv", lambda program, command: calls.append((program, command)))
    result = CliRunner().invoke(app, ["ui", "--port", "8612", "--headless"])
    assert result.exit_code == 0, result.output
    ((program, command),) = calls
    assert program == sys.executable
    assert command[1:5] == ["-m", "streamlit", "run", str(APP)]
    assert command[command.index("--server.port") + 1] == "8612"
    assert command[command.index("--server.headless") + 1] == "true"
    # the UI's own settings travel as flags, whatever folder the server starts in
    assert command[command.index("--server.maxUploadSize") + 1] == "51"
    assert command[command.index("--theme.base") + 1] == "light"
