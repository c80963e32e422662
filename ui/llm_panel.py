"""The LLM engine on the page: its settings, a reachability check before a run, the run.

Before anything starts, :func:`summarizer.engines.llm.reach.check_model` looks for what
would make the run fail (no key for a hosted model, no server at the API address, the
built-in model not installed); the page says what is missing and how to fix it, and the
run button stays disabled.  While the model works, a progress bar counts its calls and
the partial summary shows; a failure ends in one Chinese message, and the rules summary
stays on the page underneath.  Keys are never shown.
"""

from __future__ import annotations

import hashlib
import os
import time

import streamlit as st
import views
from messages import engine_error, input_error
from present import Report, md_escape
from streamlit.errors import StreamlitSecretNotFoundError

import summarizer.engines as engines
from summarizer.engines.llm import reach
from summarizer.engines.llm.config import LLMConfig, load_config, redact
from summarizer.errors import InputError, SummarizerError
from summarizer.pipeline import summarize_text

__all__ = ["settings", "secret_key", "key_source", "offer", "FAILED_KEY"]

FAILED_KEY = "llm_failed"  # report key -> the message of the run that failed
_CHECKED_KEY = "llm_checked"  # (model, base, key digest) -> (time, problems)
_RECHECK_SECONDS = 15
_STEPS = {"targets": "主要预期目标", "review": "工作回顾", "tasks": "重点任务"}
_SECRETS_HINT = "密钥也可以写在 .streamlit/secrets.toml 的 llm_api_key 中（页面不会显示它）。"


def settings() -> dict[str, str]:
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
    variable = named or reach.key_variable(model)
    if variable and os.environ.get(variable):
        return f"使用环境变量 {variable}（不显示）。"
    if model == "local":
        return "本地模型不需要密钥。"
    if own_server or variable is None:
        return "未设置（自建的 OpenAI 兼容服务通常不需要）。"
    return f"未设置。请设置环境变量 {variable}，或在 .streamlit/secrets.toml 中设置 llm_api_key。"


def _given(options: dict[str, str]) -> dict[str, str]:
    secret = secret_key()
    return {**options, **({"api_key": secret} if secret else {})}


def _problems(config: LLMConfig) -> list[str]:
    """check_model's answer, asked again at most every few seconds."""
    digest = hashlib.sha256((config.api_key or "").encode()).hexdigest()[:12]
    in_env = bool(os.environ.get(reach.key_variable(config.model) or ""))
    marker = (config.model, config.api_base or "", digest, in_env)
    checked: dict = st.session_state.setdefault(_CHECKED_KEY, {})
    now = time.monotonic()
    if marker not in checked or now - checked[marker][0] > _RECHECK_SECONDS:
        checked[marker] = (now, reach.check_model(config))
    return checked[marker][1]


def offer(name: str, text: str, options: dict[str, str], key: str) -> Report | None:
    """Check the model, offer the run, run it on request; the LLM summary once it exists.

    Until then (or when the run fails) the caller shows the rules summary, and this says
    why: the model cannot be reached, the run failed, or it has not been asked for yet.
    """
    given = _given(options)
    try:
        config = load_config(given)
    except InputError as error:
        problems = [input_error(str(error))]
        config = None
    else:
        problems = _problems(config)
    clicked = st.sidebar.button(
        "用大模型生成摘要",
        type="primary",
        width="stretch",
        disabled=bool(problems),
        help="大模型需要几分钟；完成前页面显示规则引擎的摘要。",
    )
    if problems or config is None:
        hint = f"\n\n{_SECRETS_HINT}" if any("API 密钥" in p for p in problems) else ""
        st.error(
            "**大模型现在无法运行**，请先处理：\n\n"
            + "\n".join(f"- {md_escape(problem)}" for problem in problems)
            + hint
            + "\n\n下面是规则引擎的摘要。",
            icon=":material/error:",
        )
        return None
    failures: dict[str, str] = st.session_state.setdefault(FAILED_KEY, {})
    if clicked:
        report = _run(name, text, config, key)
        if report is not None:
            failures.pop(key, None)
            return report
    if key in failures:
        st.error(
            f"**大模型生成失败**：{md_escape(failures[key])}\n\n"
            "下面仍是规则引擎的摘要；处理后可以再点左侧「用大模型生成摘要」。",
            icon=":material/error:",
        )
    else:
        st.info(
            "下面是规则引擎的摘要（即时完成）。点左侧「用大模型生成摘要」可以用大模型重新生成，"
            "需要几分钟。",
            icon=":material/info:",
        )
    return None


def _run(name: str, text: str, config: LLMConfig, key: str) -> Report | None:
    """Run the LLM engine, showing progress per call and the partial summary."""
    box = st.empty()
    with box.status("大模型正在阅读报告…", expanded=True) as status:
        bar = st.progress(0.0, text="正在连接模型…")
        partial = st.empty()

        def on_progress(progress: engines.EngineProgress) -> None:
            if progress.total:
                step = _STEPS.get(progress.step or "", progress.step or "")
                bar.progress(
                    progress.done / progress.total,
                    text=f"已完成 {progress.done}/{progress.total} 次调用（刚完成：{step}）",
                )
            with partial.container():
                views.partial_summary(progress.summary)

        failure: Exception | None = None
        try:
            engine = engines.create_engine("llm", config)
            summary = summarize_text(text, name=name, engine=engine, on_progress=on_progress)
        except Exception as error:  # noqa: BLE001 - any failure is shown, its secrets masked
            failure = error
        else:
            status.update(label="大模型摘要已生成", state="complete", expanded=False)
    if failure is not None:
        if isinstance(failure, SummarizerError):
            message = engine_error(redact(str(failure), config.secrets()))
        else:
            message = f"大模型引擎内部出错（{type(failure).__name__}）。"
        st.session_state.setdefault(FAILED_KEY, {})[key] = message
        box.empty()  # one message, said by offer(), not a status box as well
        return None
    return Report(key, name, text, summary)
