"""Can the configured model be reached?  What a client checks before starting the LLM engine.

:func:`check_model` looks, without calling the model, for what would make a run fail at its
first call, and says in each problem what is missing and how to fix it:

- the ``llm`` extra (litellm, instructor) is installed;
- the built-in model (``local``): llama-cpp-python is installed and the model's part packages
  are present (or the model was already assembled);
- a server named by ``api_base`` (or the usual address of a local provider such as Ollama)
  answers ``GET /models`` within a short timeout;
- a hosted provider (``deepseek/...``, ``openai/...``) has an API key: the configured one or
  the provider's environment variable.

The messages are Chinese sentences naming the command or variable to use; a CLI may print
them as they are.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path

from summarizer.engines.llm.config import LLMConfig
from summarizer.engines.llm.local import (
    MODEL_FILE,
    MODEL_SIZE,
    PART_FILE,
    PART_PACKAGE,
    PARTS,
    models_dir,
)

__all__ = ["check_model", "key_variable", "default_server"]

# The environment variable litellm reads for a provider's key (the usual <PROVIDER>_API_KEY
# is assumed for a provider not listed).
_KEY_VARIABLES = {
    "openai": "OPENAI_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "dashscope": "DASHSCOPE_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "moonshot": "MOONSHOT_API_KEY",
    "volcengine": "VOLCENGINE_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "azure": "AZURE_API_KEY",
    "bedrock": "AWS_ACCESS_KEY_ID",
}
# Providers served from the user's own machine, no key needed, and where they listen.
_LOCAL_SERVERS = {
    "ollama": "http://localhost:11434",
    "ollama_chat": "http://localhost:11434",
    "lm_studio": "http://localhost:1234/v1",
    "llamafile": "http://localhost:8080/v1",
}
# Providers that sign in some other way (cloud credentials); not checked here.
_OTHER_SIGN_IN = {"vertex_ai", "vertex_ai_beta", "sagemaker"}
_LLM_EXTRA = "pip install 'summarizer[llm]'"
_LOCAL_EXTRA = "pip install 'summarizer[local]'"


def _provider(model: str) -> str:
    return model.split("/", 1)[0].lower() if "/" in model else "openai"


def key_variable(model: str) -> str | None:
    """The environment variable holding the key for ``model``'s provider; None if none is needed."""
    provider = _provider(model)
    if provider in _LOCAL_SERVERS or provider in _OTHER_SIGN_IN or provider == "hosted_vllm":
        return None
    return _KEY_VARIABLES.get(provider, f"{provider.upper()}_API_KEY")


def default_server(model: str) -> str | None:
    """Where a local provider's server listens when no API base is given."""
    return _LOCAL_SERVERS.get(_provider(model))


def check_model(config: LLMConfig, *, timeout: float = 2.0) -> list[str]:
    """What stops ``config``'s model from answering, each with its fix; empty if nothing does.

    At most one ``GET <api_base>/models`` is sent, with ``timeout`` seconds to answer; the
    model itself is never called.
    """
    problems = []
    missing = [name for name in ("litellm", "instructor") if not _installed(name)]
    if missing:
        problems.append(
            f"没有安装大模型引擎需要的软件包（{', '.join(missing)}）：运行 {_LLM_EXTRA}。"
        )
    if config.is_local:
        return problems + _local_problems()
    base = config.api_base or default_server(config.model)
    if base:
        return problems + _server_problems(base, config.api_key, timeout)
    if _provider(config.model) == "hosted_vllm":
        need = (
            f"模型 {config.model} 需要 API 地址：请填写服务的地址（如 http://127.0.0.1:8000/v1）。"
        )
        return [*problems, need]
    return problems + _key_problems(config)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _local_problems() -> list[str]:
    problems = []
    if not _installed("llama_cpp"):
        problems.append(f"没有安装内置模型的运行库 llama-cpp-python：运行 {_LOCAL_EXTRA}。")
    assembled = models_dir() / MODEL_FILE
    if not (assembled.is_file() and assembled.stat().st_size == MODEL_SIZE):
        missing = [n for n in range(1, PARTS + 1) if not _part_present(n)]
        if missing:
            shown = "、".join(f"part{n}" for n in missing[:3]) + ("等" if len(missing) > 3 else "")
            problems.append(
                f"内置模型文件没有安装（缺少 {len(missing)} 个分卷：{shown}）：运行 {_LOCAL_EXTRA}。"
            )
    return problems


def _part_present(n: int) -> bool:
    try:
        spec = importlib.util.find_spec(PART_PACKAGE.format(n=n))
    except (ImportError, ValueError):
        return False
    locations = list(spec.submodule_search_locations or []) if spec else []
    return bool(locations) and (Path(locations[0]) / "data" / PART_FILE.format(n=n)).is_file()


def _server_problems(base: str, key: str | None, timeout: float) -> list[str]:
    if not base.startswith(("http://", "https://")):
        return [f"API 地址 {base} 不是网址：应以 http:// 或 https:// 开头。"]
    request = urllib.request.Request(f"{base.rstrip('/')}/models")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read(65536)
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            return [
                f"{base} 拒绝了 API 密钥（HTTP {error.code}）：请检查密钥是否正确、是否已过期。"
            ]
        return []  # the server answers; a missing /models route is no reason to stop
    except TimeoutError:
        return [f"{base} 在 {timeout:g} 秒内没有响应：请确认模型服务已启动且没有过载。"]
    except urllib.error.URLError as error:
        return [
            f"无法连接 {base}（{_reason(error.reason)}）：请确认模型服务已启动，地址和端口无误。"
        ]
    except (OSError, ValueError) as error:
        return [f"无法连接 {base}（{_reason(error)}）：请确认地址无误。"]
    return []


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "连接被拒绝，端口上没有服务"
    if isinstance(reason, TimeoutError):
        return "连接超时"
    if isinstance(reason, socket.gaierror):
        return "找不到这个主机名"
    return "网络错误"


def _key_problems(config: LLMConfig) -> list[str]:
    if config.api_key:
        return []
    variable = key_variable(config.model)
    if variable is None or os.environ.get(variable):
        return []
    return [
        f"没有找到模型 {config.model} 的 API 密钥：请设置环境变量 {variable}"
        "（或用 SUMMARIZER_API_KEY_ENV 指定存放密钥的变量名）。"
    ]
