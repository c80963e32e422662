"""The web UI under Streamlit's AppTest: its logic, without a browser.

AppTest runs ``ui/app.py`` in this process, so test doubles for the LLM engine and its
reachability check are installed with monkeypatch; nothing here reaches the network.
Expected values come from the library's own summary where they could change with the
engine (counts, totals), so these tests check the page, not the segmenter.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from summarizer.errors import EngineError
from summarizer.pipeline import summarize_text
from summarizer.report.load import MAX_FILE_BYTES
from summarizer.schema import Completeness, EngineInfo, Evidence, PartCheck
from tests.ui_reports import missed_target_report

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "ui" / "app.py"
sys.path.insert(0, str(ROOT / "ui"))

SECRET = "sk-test-0123456789abcdef"


@pytest.fixture(autouse=True)
def _no_provider_keys(monkeypatch):
    for variable in ("DEEPSEEK_API_KEY", "OPENAI_API_KEY", "SUMMARIZER_API_KEY_ENV"):
        monkeypatch.delenv(variable, raising=False)


# =========================================================================== helpers


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


def _paste(at: AppTest, text: str) -> AppTest:
    at.segmented_control(key="source").set_value("paste").run()
    at.text_area(key="paste").input(text)
    next(b for b in at.button if b.label == "读取文本").click().run()
    assert not at.exception, at.exception
    return at


def _plain(markdown: str) -> str:
    """Escaped Markdown as the reader sees it (zero-width spaces that stop links dropped)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200b", "")


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _blocks(at: AppTest, kind: str) -> list:
    return [node for node in _walk(at._tree) if getattr(node, "type", None) == kind]


def _markdown_in(node) -> list[str]:
    return [n.value for n in _walk(node) if getattr(n, "type", None) in ("markdown", "caption")]


def _texts(at: AppTest) -> list[str]:
    """Every piece of Markdown-rendered text on the page (main area and sidebar)."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        texts += [element.value for element in getattr(at, kind)]
    texts += [expander.label for expander in at.expander]
    texts += [metric.label for metric in at.metric]
    texts += [block.proto.popover.label for block in _blocks(at, "popover")]
    return texts


def _page_dump(at: AppTest) -> str:
    """Everything the page holds, widgets included, as one string."""
    return "\n".join(str(getattr(node, "proto", "")) for node in _walk(at._tree))


def _summary(text: str, name: str):
    return summarize_text(text, name=name)


def _chart_specs(at: AppTest) -> list[str]:
    """The Vega-Lite specs of the charts on the page, Chinese readable."""
    return [
        json.dumps(json.loads(chart.proto.spec), ensure_ascii=False)
        for chart in _blocks(at, "vega_lite_chart")
    ]


# =========================================================================== the summary


def test_the_welcome_page_explains_what_to_do():
    at = _app()
    assert at.title[0].value == "政府工作报告摘要"
    assert "示例报告" in at.markdown[0].value
    assert at.selectbox(key="seed").value is None


def test_the_first_cards_are_headline_figures_with_their_growth_beside_the_level(seed_text):
    at = _choose_seed(_app(), "003")
    assert at.title[0].value == "2025年杭州市政府工作报告"
    summary = _summary(seed_text("003"), "003")
    first = summary.headline_figures[0]
    assert at.metric[0].label == first.indicator and at.metric[0].value == first.value
    assert not {"地区", "报告年份", "报告类型"} & {metric.label for metric in at.metric}
    labels = [metric.label for metric in at.metric]
    assert len(labels) == len(set(labels))  # no two cards share a label
    gdp = next(metric for metric in at.metric if metric.value == "21860亿元")
    assert gdp.label == "地区生产总值"
    # the growth rate of the same indicator sits on the same card, not on a second one
    assert gdp.proto.delta == "增长4.7%"
    assert not [metric for metric in at.metric if metric.value == "增长4.7%"]


def test_a_cards_popover_shows_its_sentence_with_the_number_marked():
    at = _choose_seed(_app(), "003")
    popovers = [b for b in _blocks(at, "popover") if b.proto.popover.label == "原句"]
    first = _markdown_in(popovers[0])
    assert any(":orange-background[**21860亿元**]" in text for text in first)
    assert any("全市地区生产总值" in _plain(text) for text in first)


def test_the_two_checks_sit_side_by_side_and_say_different_things(seed_text):
    at = _choose_seed(_app(), "003")
    summary = _summary(seed_text("003"), "003")
    badges = [m.value for m in at.markdown if "-badge[" in m.value][:2]
    verification = summary.verification
    assert badges[0].endswith(
        f"数字核实 {verification.numbers_verified}/{verification.numbers_total}]"
    )
    assert "完整性" in badges[1] or "可能不全" in badges[1]


def test_targets_open_to_their_sentence_with_the_number_marked(seed_text):
    at = _open_tab(_choose_seed(_app(), "003"), "主要目标")
    summary = _summary(seed_text("003"), "003")
    assert len(at.expander) == len(summary.targets)
    rd = next(e for e in at.expander if "全社会研发经费投入强度" in e.label)
    assert ":green-badge[✓ 已核实]" in rd.label and "4\\%以上" in rd.label
    inside = _markdown_in(rd)
    sentence = next(text for text in inside if "yellow-background" in text)
    assert ":yellow-background[**全社会研发经费投入强度**]:orange-background[**4\\%**]" in sentence
    assert "主要预期目标" in sentence  # the whole sentence, not just the phrase
    assert any("类型" in text and "比率" in text for text in inside)


def test_locating_a_target_opens_the_text_with_the_sentence_highlighted():
    at = _open_tab(_choose_seed(_app(), "003"), "主要目标")
    key = next(k for k in at.session_state if str(k).startswith("goto_target0_"))
    at.button(key=key).click().run()
    assert at.session_state["tab"] == "原文"
    assert any(m.value.startswith("高亮：**地区生产总值：增长5\\.5\\%左右**") for m in at.markdown)
    body = [m.value for m in at.markdown if "yellow-background" in m.value]
    assert len(body) == 1 and "地区生产总值增长" in _plain(body[0])
    assert at.expander[0].label.startswith("前文")  # the text above is folded away


def test_a_task_items_sentence_holds_the_numbers_it_is_shown_with(seed_text):
    at = _open_tab(_choose_seed(_app(), "003"), "重点任务")
    summary = _summary(seed_text("003"), "003")
    assert len(at.expander) == len(summary.task_areas)
    area = at.expander[0]
    item = next(i for i in summary.task_areas[0].items if i.goals)
    goal = item.goals[0]
    popovers = [b for b in _walk(area) if getattr(b, "type", None) == "popover"]
    shown = [text for popover in popovers for text in _markdown_in(popover) if "background" in text]
    digits = re.search(r"\d+(?:\.\d+)?", goal.value).group()
    assert any(
        re.search(rf":orange-background\[\*\*[^\]]*{re.escape(digits)}", _plain(text))
        for text in shown
    ), f"no popover marks {goal.value}"


def test_the_report_text_hides_markup_but_keeps_the_words(seed_text):
    at = _open_tab(_choose_seed(_app(), "002"), "原文")
    assert "**" in seed_text("002")
    body = "\n".join(m.value for m in at.markdown)
    assert "\\*\\*" not in body and "坚持人才引领" in body


# =========================================================================== completeness


def test_a_missed_target_is_said_beside_the_verification_badge(seed_text):
    text, missed = missed_target_report(seed_text("003"))
    at = _paste(_app(), text)
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert any(":orange-badge[" in b and "可能不全：主要预期目标" in b for b in badges)
    notice = next(_plain(m.value) for m in at.markdown if "主要预期目标可能不全" in m.value)
    assert all(quote in notice for quote in missed)
    at.button(key=next(k for k in at.session_state if str(k).startswith("see_targets_"))).click()
    at.run()
    assert at.session_state["tab"] == "原文"
    body = next(m.value for m in at.markdown if "orange-background" in m.value)
    assert f":orange-background[**{missed[0]}**]" in _plain(body)


def test_a_part_is_called_missing_only_when_the_report_has_none(monkeypatch, seed_text):
    passage = Evidence(start=0, end=20, quote=seed_text("004")[:20])

    def unfound(summary, report):
        return Completeness(
            parts=[
                PartCheck(
                    part="targets", status="not_found", message="似乎提到了目标", passage=passage
                ),
                PartCheck(part="task_areas", status="absent", message="没有"),
            ]
        )

    monkeypatch.setattr("summarizer.pipeline.check_completeness", unfound)
    at = _paste(_app(), seed_text("004") + "\n（完整性测试）")
    texts = [_plain(t) for t in _texts(at)]
    assert any("主要预期目标：摘要没有识别出来，但原文中似乎有" in t for t in texts)
    assert not any("原文中没有主要预期目标" in t for t in texts)
    assert not any("原文中没有这一部分" in t for t in texts)  # the engine's own claim is dropped


def test_a_truncated_report_warns_and_invents_no_targets(seed_text):
    at = _choose_seed(_app(), "001")
    assert any("截断" in warning.value for warning in at.warning)
    at = _open_tab(at, "主要目标")
    assert not at.expander
    part = _summary(seed_text("001"), "001").completeness.part("targets")
    said = [_plain(t) for t in _texts(at)]
    if part.status == "absent":
        assert "原文中没有主要预期目标这一部分。" in said
    else:
        assert not any("原文中没有主要预期目标" in t for t in said)


# =========================================================================== compare


def test_compare_lays_two_reports_side_by_side_by_indicator(seed_text):
    at = _choose_seed(_choose_seed(_app(), "003"), "004")
    at = _open_tab(at, "对比")
    assert len(at.multiselect(key="compare_pick").value) == 2
    city, district = (_summary(seed_text(k), k).meta for k in ("003", "004"))
    columns = [f"{city.region} {city.year}", f"{district.region} {district.year}"]
    table = at.table[0].value
    assert list(table.columns)[:3] == ["指标", *columns]
    gdp = table[table["指标"] == "地区生产总值"].iloc[0]
    assert gdp[columns[0]] == gdp[columns[1]] == "增长5.5%左右"
    # one indicator across the reports, as a chart of one unit
    assert any("增速（%）" in spec and columns[1] in spec for spec in _chart_specs(at))


def test_compare_tracks_last_years_targets_with_both_quotes_and_the_rule():
    at = _open_tab(_choose_seed(_app(), "002"), "对比")
    at.multiselect(key="compare_pick").select("seed:000").run()
    assert not at.exception
    assert any(header.value == "余杭区 2024 年目标的完成情况" for header in at.subheader)
    assert any("2024年实际" in c and "2025年目标" in c for c in _chart_specs(at))
    gdp = next(e for e in at.expander if "地区生产总值" in e.label and "达成" in e.label)
    assert gdp.label.startswith(":green[**达成**]")
    inside = [_plain(t) for t in _markdown_in(gdp)]
    assert any(t.startswith("2024 年报告的目标") for t in inside)
    assert any(t.startswith("2025 年报告的回顾") for t in inside)
    assert any("增长6.0%" in t and "background" in t for t in inside)
    assert any(t.startswith("**判断规则**") for t in inside)


def test_the_targets_tab_charts_last_years_result_when_that_report_is_at_hand():
    at = _open_tab(_choose_seed(_app(), "000"), "主要目标")
    assert any(h.value == "2024年目标、2024年实际与2025年目标" for h in at.subheader)
    charts = _chart_specs(at)
    assert len(charts) == 1 and "增速（%）" in charts[0]
    # a report with no previous year at hand gets no chart (and none of unlike units)
    at = _open_tab(_choose_seed(_app(), "003"), "主要目标")
    assert not _blocks(at, "vega_lite_chart")


# =========================================================================== inputs


def _upload(at: AppTest, name: str, data: bytes, mime: str = "application/octet-stream") -> AppTest:
    at.segmented_control(key="source").set_value("upload").run()
    at.file_uploader(key="upload").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("report.pdf", b"this is not a PDF at all", "「report.pdf」这个 PDF 文件已损坏"),
        ("empty.txt", b"", "「empty.txt」是空文件"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "「photo.txt」是PNG 图片"),
        ("big.txt", b"a" * (MAX_FILE_BYTES["txt"] + 1), "超过了文本文件不超过 10 MB 的限制"),
    ],
)
def test_an_unusable_upload_is_explained_in_chinese(name, data, expected):
    at = _upload(_app(), name, data)
    (error,) = at.error
    assert _plain(error.value).startswith("无法读取这个文件：")
    assert expected in _plain(error.value)
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", _plain(error.value))
    assert at.title[0].value == "政府工作报告摘要"  # nothing was summarised


def test_the_upload_limit_is_the_loaders_and_the_types_are_explained():
    at = _app()
    at.segmented_control(key="source").set_value("upload").run()
    uploader = at.file_uploader(key="upload")
    limit_mb = uploader.proto.max_upload_size_mb
    assert max(MAX_FILE_BYTES.values()) <= limit_mb * 1_000_000 < max(MAX_FILE_BYTES.values()) + 5e6
    assert not list(uploader.proto.type)  # every file reaches the loader, which says why not
    assert ".docx" in uploader.proto.label and "10 MB" in uploader.proto.help


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


def test_pasted_text_is_summarised_and_non_reports_are_refused_in_chinese(seed_text):
    at = _paste(_app(), seed_text("004"))
    assert at.title[0].value.endswith("上城区2025年政府工作报告")
    at = _paste(at, "hello world, this is not a report " * 20)
    assert any(
        "「粘贴的文本」看起来不是中文的政府工作报告（只有 0 个汉字）" in _plain(e.value)
        for e in at.error
    )


def test_an_engine_defect_is_reported_without_a_traceback(monkeypatch, seed_text):
    def broken(report):
        raise RuntimeError("internal detail")

    monkeypatch.setattr("summarizer.engines.rules.summarize", broken)
    at = _paste(_app(), seed_text("004") + "\n（测试）")
    (error,) = at.error
    assert error.value.startswith("规则引擎处理这份文本时出错（RuntimeError）")
    assert "internal detail" not in error.value


def test_document_text_never_becomes_active_markdown(seed_text):
    injected = "<img src=x onerror=alert(1)>[点我](http://evil.example) :red[注入] **粗**"
    text = seed_text("003").replace(
        "2025年杭州市政府工作报告", f"2025年杭州市政府工作报告{injected}", 1
    )
    text = text.replace("（一）", f"（一）{injected}", 1)
    at = _paste(_app(), text)
    rendered = _texts(at) + _texts(_open_tab(at, "原文")) + _texts(_open_tab(at, "重点任务"))
    assert any("evil" in text for text in rendered)  # the text is shown...
    for text in rendered:  # ...but only escaped
        assert not re.search(r"(?<!\\)<img", text), text
        assert not re.search(r"(?<!\\)\]\(http", text), text
        assert not re.search(r"(?<!\\):red(?<!\\)\[", text), text


# =========================================================================== LLM engine


class FakeLLM:
    """Test double for the LLM engine: reports progress twice, then returns a summary."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.options: list[dict] = []

    def __call__(self, name: str = "rules", config=None, **_: object):
        from summarizer.engines.rules import RulesEngine

        if name != "llm":
            return RulesEngine()
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
def reachable(monkeypatch):
    """The reachability check finds nothing wrong (its own tests are in test_llm_reach)."""
    checked = []
    monkeypatch.setattr(
        "summarizer.engines.llm.reach.check_model", lambda config, **_: checked.append(config) or []
    )
    return checked


@pytest.fixture
def fake_llm(monkeypatch, reachable):
    fake = FakeLLM()
    monkeypatch.setattr("summarizer.engines.create_engine", fake)
    return fake


def _llm_app(
    at: AppTest | None = None, model: str = "openai/test-model", base: str = ""
) -> AppTest:
    at = at or _app()
    at.radio(key="engine").set_value("llm").run()
    at.text_input(key="llm_model").input(model).run()
    at.text_input(key="llm_api_base").input(base or "http://127.0.0.1:9/v1").run()
    return _choose_seed(at, "003")


def _run_button(at: AppTest):
    return next(b for b in at.sidebar.button if b.label == "用大模型生成摘要")


def test_the_llm_engine_runs_on_request_with_progress_per_call(fake_llm):
    at = _llm_app()
    assert not fake_llm.options  # choosing a report does not start a slow model run
    assert "用大模型生成摘要" in at.info[0].value and "规则引擎的摘要" in at.info[0].value
    assert at.title[0].value == "2025年杭州市政府工作报告"  # the rules summary meanwhile
    _run_button(at).click().run()
    assert not at.exception
    (options,) = fake_llm.options
    assert (options["model"], options["api_base"]) == ("openai/test-model", "http://127.0.0.1:9/v1")
    assert any("大模型 openai/test-model" in _plain(caption.value) for caption in at.caption)
    assert any(status.label == "大模型摘要已生成" for status in at.status)
    assert any("主要目标（5）" in m.value for m in at.markdown)  # drawn while it ran
    assert not at.info or "用大模型生成摘要" not in at.info[0].value
    at.run()  # a second visit reuses the summary instead of calling the model again
    assert len(fake_llm.options) == 1


def test_an_api_key_from_secrets_is_used_but_never_shown(fake_llm):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["llm_api_key"] = SECRET
    at.run()
    at = _llm_app(at)
    assert any("Streamlit secrets" in caption.value for caption in at.sidebar.caption)
    _run_button(at).click().run()
    assert fake_llm.options[0]["api_key"] == SECRET
    dump = _page_dump(at)
    assert "21860亿元" in dump and SECRET not in dump


def test_a_failed_run_says_so_once_in_chinese_and_the_rules_summary_stays(monkeypatch, reachable):
    monkeypatch.setenv("SUMMARIZER_API_KEY_ENV", "TEST_PROVIDER_KEY")
    monkeypatch.setenv("TEST_PROVIDER_KEY", SECRET)
    error = EngineError(
        "model openai/test-model at http://127.0.0.1:9/v1: the server refused the API key "
        f"(HTTP 401): invalid key {SECRET}"
    )
    monkeypatch.setattr("summarizer.engines.create_engine", FakeLLM(error))
    at = _llm_app()
    assert any("TEST_PROVIDER_KEY" in caption.value for caption in at.sidebar.caption)
    _run_button(at).click().run()
    assert not at.exception
    (shown,) = at.error
    assert _plain(shown.value).startswith(
        "**大模型生成失败**：模型 openai/test-model（http://127.0.0.1:9/v1）：服务拒绝了 API 密钥（HTTP 401）"
    )
    assert not at.info  # no stale "click to start" beside the failure
    assert not at.status  # one message, not a grey box as well
    assert at.title[0].value == "2025年杭州市政府工作报告"  # the rules summary is still there
    assert any(metric.value == "21860亿元" for metric in at.metric)
    assert SECRET not in _page_dump(at)
    at.run()  # the failure stays said until the settings change
    assert len(at.error) == 1


def test_a_hosted_model_without_a_key_is_stopped_before_it_starts(monkeypatch):
    fake = FakeLLM()
    monkeypatch.setattr("summarizer.engines.create_engine", fake)
    at = _app()
    at.radio(key="engine").set_value("llm").run()
    at.text_input(key="llm_model").input("deepseek/deepseek-chat").run()
    at = _choose_seed(at, "003")
    (error,) = at.error
    said = _plain(error.value)
    assert said.startswith("**大模型现在无法运行**")
    assert "没有找到模型 deepseek/deepseek-chat 的 API 密钥" in said and "DEEPSEEK_API_KEY" in said
    assert "secrets.toml" in said
    assert _run_button(at).disabled
    assert at.title[0].value == "2025年杭州市政府工作报告"  # the rules summary is shown
    assert not fake.options


def test_a_server_that_is_down_is_named_before_a_run(monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    at = _llm_app(base=f"http://127.0.0.1:{port}/v1")
    (error,) = at.error
    assert f"无法连接 http://127.0.0.1:{port}/v1" in _plain(error.value)
    assert _run_button(at).disabled


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
    assert command[command.index("--theme.orangeBackgroundColor") + 1] == "#fdba74"
