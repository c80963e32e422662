"""Web UI for the summarizer: drop in a government work report, read a grounded summary.

Run from the project root with ``streamlit run ui/app.py`` (or ``summarizer ui``).

The page is a thin client of :func:`summarizer.pipeline.summarize_text`: the sidebar
chooses the input (a bundled seed, an upload or pasted text) and the engine; the main
area shows the summary in tabs.  Summaries made in a session are kept for 对比.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from pathlib import Path

import compare_view
import llm_panel
import sources
import streamlit as st
import style
import views
from header import header
from messages import input_error
from present import Report, list_seeds, md_escape

from summarizer.engines import ENGINES
from summarizer.errors import SummarizerError
from summarizer.pipeline import summarize_text
from summarizer.report.load import MAX_FILE_BYTES, load_bytes
from summarizer.resources import asset_dir
from summarizer.schema import ReportSummary

logger = logging.getLogger("summarizer.ui")

SEEDS_DIR = Path(os.environ.get("SUMMARIZER_SEEDS_DIR", asset_dir("seeds")))
# The browser counts megabytes of 10^6 bytes (of 2^20 on Windows): rounding the loader's
# largest limit up lets every file the loader accepts through; a file over its format's
# limit reaches the loader, which names that limit.
UPLOAD_LIMIT_MB = math.ceil(max(MAX_FILE_BYTES.values()) / 1_000_000)
PASTE_LIMIT = 2_000_000

SOURCES = {"seed": "示例报告", "upload": "上传文件", "paste": "粘贴文本"}
HISTORY_KEY = "history"  # report key -> Report, in the order they were made


# --------------------------------------------------------------------------- engine calls


@st.cache_data(max_entries=64, show_spinner=False)
def summarize_rules(text: str, name: str) -> ReportSummary:
    return summarize_text(text, name=name)


def report_key(text: str, engine: str, options: dict[str, str] | None = None) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    if engine == "rules":
        return f"rules-{digest}"
    extra = hashlib.sha256(repr(sorted((options or {}).items())).encode()).hexdigest()[:8]
    return f"llm-{extra}-{digest}"


def history() -> dict[str, Report]:
    return st.session_state.setdefault(HISTORY_KEY, {})


def remember(report: Report) -> Report:
    kept = history()
    kept.pop(report.key, None)
    kept[report.key] = report
    return report


def seed_reports() -> dict[str, Report]:
    """Every bundled seed, summarised by the rules engine (cached)."""
    reports = {}
    for seed in list_seeds(SEEDS_DIR):
        text = seed.path.read_text(encoding="utf-8")
        try:
            summary = summarize_rules(text, seed.path.name)
        except SummarizerError:
            continue
        reports[f"seed:{seed.key}"] = Report(f"seed:{seed.key}", seed.path.name, text, summary)
    return reports


def previous_of(report: Report, candidates: list[Report]) -> Report | None:
    """The report of the same region for the year before, if one was made or is bundled."""
    meta = report.summary.meta
    if not meta.region or not meta.year:
        return None
    return next(
        (
            other
            for other in candidates
            if other.summary.meta.region == meta.region and other.summary.meta.year == meta.year - 1
        ),
        None,
    )


# --------------------------------------------------------------------------- sidebar


def choose_input() -> tuple[str, str] | str | None:
    """The report the sidebar points at, as (name, text), or why it cannot be read."""
    source = st.segmented_control(
        "报告来源",
        list(SOURCES),
        format_func=lambda key: SOURCES[key],
        default="seed",
        required=True,
        key="source",
        width="stretch",
    )
    if source == "seed":
        seeds = list_seeds(SEEDS_DIR)
        if not seeds:
            st.info(f"没有找到示例报告（{SEEDS_DIR}）。")
            return None
        by_key = {seed.key: seed for seed in seeds}
        key = st.selectbox(
            "示例报告",
            list(by_key),
            index=None,
            key="seed",
            format_func=lambda k: by_key[k].label,
            placeholder="选择一份示例报告…",
        )
        if key is None:
            return None
        seed = by_key[key]
        return seed.path.name, seed.path.read_text(encoding="utf-8")
    if source == "upload":
        uploaded = st.file_uploader(
            "上传报告（.txt .md .html .docx .pdf）",
            key="upload",
            max_upload_size=UPLOAD_LIMIT_MB,
            help=f"{style.LIMITS_TEXT}。扫描版 PDF 需要先做文字识别；旧版 .doc 请先另存为 .docx。",
        )
        if uploaded is None:
            return None
        try:
            document = load_bytes(uploaded.getvalue(), uploaded.name)
        except SummarizerError as error:
            return f"无法读取这个文件：{input_error(str(error))}"
        return document.name, document.text
    with st.form("paste_form", enter_to_submit=False, border=False):
        st.text_area(
            "粘贴报告全文",
            key="paste",
            height=220,
            max_chars=PASTE_LIMIT,
            placeholder="把政府工作报告的全文粘贴到这里，然后点下面的「读取文本」。",
        )
        st.form_submit_button("读取文本", type="primary", width="stretch")
    text = st.session_state.get("paste") or ""
    if not text.strip():
        return None
    return "粘贴的文本", text


# --------------------------------------------------------------------------- page


def welcome() -> None:
    st.title("政府工作报告摘要")
    st.markdown(
        "把一份政府工作报告变成结构化摘要：主要数据、工作回顾、主要预期目标、重点任务，"
        "每个数字都到原文中核对过，并可定位到原句。\n\n"
        "1. 在左侧选择 **示例报告**，或 **上传文件**（.txt、.md、.html、.docx、.pdf），或 **粘贴文本**；\n"
        "2. 选择引擎：**规则引擎** 即时完成；**大模型** 需要配置模型服务；\n"
        "3. 在 **对比** 标签页里把几份报告的目标放在一起看。"
    )


def summarise(loaded: tuple[str, str], engine: str, options: dict[str, str]) -> Report | None:
    """The summary to show: the rules engine's at once, the LLM's once it has been made."""
    name, text = loaded
    try:
        rules = remember(Report(report_key(text, "rules"), name, text, summarize_rules(text, name)))
    except SummarizerError as error:
        st.error(md_escape(f"无法生成摘要：{input_error(str(error))}"), icon=":material/error:")
        return None
    except Exception as error:  # noqa: BLE001 - a defect; the reader gets a message
        logger.exception("the rules engine failed on %s", name)
        st.error(
            f"规则引擎处理这份文本时出错（{type(error).__name__}），请换一份报告或改用大模型。",
            icon=":material/error:",
        )
        return None
    if engine != "llm":
        return rules
    key = report_key(text, "llm", options)
    if key in history():
        return history()[key]
    made = llm_panel.offer(name, text, options, key)
    return remember(made) if made is not None else rules


def main() -> None:
    st.set_page_config(page_title="政府工作报告摘要", page_icon="📄", layout="wide")
    style.apply()
    with st.sidebar:
        st.header(":material/description: 报告")
        loaded = choose_input()
        st.header(":material/tune: 引擎")
        engine = st.radio(
            "摘要引擎",
            list(ENGINES),
            format_func=lambda key: ENGINES[key].label,
            key="engine",
            label_visibility="collapsed",
        )
        options = llm_panel.settings() if engine == "llm" else {}

    if isinstance(loaded, str):
        st.error(md_escape(loaded), icon=":material/error:")
        loaded = None
    current = summarise(loaded, engine, options) if loaded is not None else None
    if current is None:
        welcome()
        if not history():
            return
    else:
        header(current)
    seeds = seed_reports()
    tabs = st.tabs(views.TABS, key=sources.TAB_KEY, on_change="rerun")
    if current is not None:
        previous = previous_of(current, [*reversed(history().values()), *seeds.values()])
        renderers = (
            views.overview,
            lambda report: views.targets(report, previous),
            views.tasks,
            sources.source_text,
        )
        for tab, render in zip(tabs, renderers, strict=False):
            if tab.open:
                with tab:
                    render(current)
    else:
        for tab in tabs[:-1]:
            if tab.open:
                with tab:
                    st.info("请在左侧选择或生成一份报告。")
    if tabs[-1].open:
        with tabs[-1]:
            compare_view.compare_tab(current, history(), seeds)


main()
