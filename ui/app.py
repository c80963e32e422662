"""Web UI for the summarizer: drop in a government work report, read a grounded summary.

Run from the project root with ``streamlit run ui/app.py`` (or ``summarizer ui``).

The page is a thin client of :func:`summarizer.pipeline.summarize_text`: the sidebar
chooses the input (a bundled seed, an upload or pasted text) and the engine; the main
area shows the summary in tabs.  Summaries made in a session are kept for 对比.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import compare_view
import sources
import streamlit as st
import views
from present import Report, list_seeds, md_escape
from streamlit.errors import StreamlitSecretNotFoundError

from summarizer.engines import create_engine
from summarizer.engines.llm.config import load_config, redact
from summarizer.errors import SummarizerError
from summarizer.pipeline import summarize_text
from summarizer.report.load import MAX_FILE_BYTES, MiB, load_bytes
from summarizer.resources import asset_dir
from summarizer.schema import ReportSummary

logger = logging.getLogger("summarizer.ui")

SEEDS_DIR = Path(os.environ.get("SUMMARIZER_SEEDS_DIR", asset_dir("seeds")))
UPLOAD_TYPES = ["txt", "md", "html", "htm", "docx", "pdf"]
# One megabyte above the library's largest limit: a file slightly too large reaches
# load_bytes, which explains the limit for its format; a larger one the browser refuses.
UPLOAD_LIMIT_MB = max(MAX_FILE_BYTES.values()) // MiB + 1
PASTE_LIMIT = 2_000_000

SOURCES = {"seed": "示例报告", "upload": "上传文件", "paste": "粘贴文本"}
ENGINES = {"rules": "规则引擎（即时）", "llm": "大模型（LLM）"}
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
            "上传报告",
            type=UPLOAD_TYPES,
            key="upload",
            max_upload_size=UPLOAD_LIMIT_MB,
            help="支持 .txt、.md、.html、.docx、.pdf；文本文件不超过 10 MB，Word/PDF 不超过 50 MB。",
        )
        if uploaded is None:
            return None
        try:
            document = load_bytes(uploaded.getvalue(), uploaded.name)
        except SummarizerError as error:
            return f"无法读取这个文件：{error}"
        return document.name, document.text
    text = st.text_area(
        "粘贴报告全文",
        key="paste",
        height=220,
        max_chars=PASTE_LIMIT,
        placeholder="把政府工作报告的全文粘贴到这里，按 Ctrl+Enter 提交。",
    )
    if not text or not text.strip():
        return None
    return "粘贴的文本", text


def llm_settings() -> dict[str, str]:
    """Model and server for the LLM engine; the key comes from the environment or secrets."""
    model = st.text_input(
        "模型",
        key="llm_model",
        value=os.environ.get("SUMMARIZER_MODEL", "local"),
        help="local：内置本地模型（CPU 上一份报告需要几分钟）；也可以填 litellm 模型名，"
        "如 deepseek/deepseek-chat，或 openai/<名称> 并填写 API 地址。",
    )
    api_base = st.text_input(
        "API 地址",
        key="llm_api_base",
        value=os.environ.get("SUMMARIZER_API_BASE", ""),
        placeholder="例如 http://127.0.0.1:8080/v1（可留空）",
    )
    options = {
        name: value.strip()
        for name, value in (("model", model), ("api_base", api_base))
        if value and value.strip()
    }
    st.caption(
        f"API 密钥：{key_source(options.get('model', 'local'), bool(options.get('api_base')))}"
    )
    return options


def secret_key() -> str | None:
    """An API key from Streamlit secrets (``llm_api_key``), if there is one."""
    try:
        value = st.secrets.get("llm_api_key")
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return None
    return str(value) if value else None


def key_source(model: str, own_server: bool = False) -> str:
    """Where the key will come from, named but never shown."""
    if secret_key():
        return "使用 Streamlit secrets 中的 llm_api_key（不显示）。"
    named = os.environ.get("SUMMARIZER_API_KEY_ENV")
    candidates = (
        [named]
        if named
        else [f"{model.split('/', 1)[0].upper()}_API_KEY" if "/" in model else "OPENAI_API_KEY"]
    )
    for variable in candidates:
        if variable and os.environ.get(variable):
            return f"使用环境变量 {variable}（不显示）。"
    if model == "local":
        return "本地模型不需要密钥。"
    if own_server:
        return "未设置（自建的 OpenAI 兼容服务通常不需要）。"
    return (
        "未设置。请设置环境变量（如 DEEPSEEK_API_KEY，或用 SUMMARIZER_API_KEY_ENV 指定变量名），"
        "或在 .streamlit/secrets.toml 中设置 llm_api_key。"
    )


def run_llm(name: str, text: str, options: dict[str, str], key: str) -> Report | None:
    """Run the LLM engine, showing progress and the partial summary as calls finish."""
    secret = secret_key()
    with st.status("大模型正在阅读报告…", expanded=True) as status:
        bar = st.progress(0.0, text="准备调用…")
        partial = st.empty()

        def on_progress(progress) -> None:
            fraction = progress.done / progress.total if progress.total else 1.0
            bar.progress(fraction, text=f"已完成 {progress.done}/{progress.total} 次调用")
            with partial.container():
                views.partial_summary(progress.summary)

        given: dict[str, str] = {**options, **({"api_key": secret} if secret else {})}
        try:
            engine = create_engine("llm", load_config(given))
            summary = summarize_text(text, name=name, engine=engine, on_progress=on_progress)
        except Exception as error:  # noqa: BLE001 - any failure is shown, its secrets masked
            status.update(label="生成失败", state="error")
            what = "" if isinstance(error, SummarizerError) else f"（{type(error).__name__}）"
            message = redact(str(error), [secret] if secret else [])
            st.error(md_escape(f"大模型引擎出错{what}：{message}"), icon=":material/error:")
            return None
        status.update(label="摘要已生成", state="complete", expanded=False)
    return remember(Report(key, name, text, summary))


# --------------------------------------------------------------------------- page


def welcome(loaded: tuple[str, str] | None, engine: str) -> None:
    st.title("政府工作报告摘要")
    if loaded is not None and engine == "llm":
        st.info(
            f"已载入《{md_escape(loaded[0])}》（{len(loaded[1]):,} 字）。"
            "点击左侧「用大模型生成摘要」开始；大模型需要几分钟，规则引擎即时完成。"
        )
        return
    st.markdown(
        "把一份政府工作报告变成结构化摘要：主要数据、工作回顾、主要预期目标、重点任务，"
        "每个数字都到原文中核对过，并可定位到原句。\n\n"
        "1. 在左侧选择 **示例报告**，或 **上传文件**（.txt、.md、.html、.docx、.pdf），或 **粘贴文本**；\n"
        "2. 选择引擎：**规则引擎** 即时完成；**大模型** 需要配置模型服务；\n"
        "3. 在 **对比** 标签页里把几份报告的目标放在一起看。"
    )


def main() -> None:
    st.set_page_config(page_title="政府工作报告摘要", page_icon="📄", layout="wide")
    with st.sidebar:
        st.header(":material/description: 报告")
        loaded = choose_input()
        st.header(":material/tune: 引擎")
        engine = st.radio(
            "摘要引擎",
            list(ENGINES),
            format_func=lambda key: ENGINES[key],
            key="engine",
            label_visibility="collapsed",
        )
        options = llm_settings() if engine == "llm" else {}

    current: Report | None = None
    if isinstance(loaded, str):
        st.error(md_escape(loaded), icon=":material/error:")
        loaded = None
    if loaded is not None:
        name, text = loaded
        key = report_key(text, engine, options)
        if engine == "rules":
            try:
                current = remember(Report(key, name, text, summarize_rules(text, name)))
            except SummarizerError as error:
                st.error(md_escape(f"无法生成摘要：{error}"), icon=":material/error:")
            except Exception as error:  # noqa: BLE001 - a defect; the reader gets a message
                logger.exception("the rules engine failed on %s", name)
                st.error(
                    f"规则引擎处理这份文本时出错（{type(error).__name__}），请换一份报告或改用大模型。",
                    icon=":material/error:",
                )
        elif key in history():
            current = history()[key]
        elif st.sidebar.button("用大模型生成摘要", type="primary", width="stretch"):
            current = run_llm(name, text, options, key)

    if current is None and (not history() or (loaded is not None and engine == "llm")):
        welcome(loaded, engine)
        if not history():
            return
    if current is not None:
        views.header(current)
    tabs = st.tabs(views.TABS, key=sources.TAB_KEY, on_change="rerun")
    renderers = (views.overview, views.targets, views.tasks, sources.source_text)
    for tab, render in zip(tabs, renderers, strict=False):
        if tab.open:
            with tab:
                if current is None:
                    st.info("请在左侧选择或生成一份报告。")
                else:
                    render(current)
    if tabs[-1].open:
        with tabs[-1]:
            compare_view.compare_tab(current, history(), SEEDS_DIR, summarize_rules)


main()
