"""The LLM client against the fault-injecting server (a test double on loopback).

Each fault a real server produces only sometimes has a test stating what the client does:
retry with backoff, re-ask, or fail with a clear error naming the model and the cause.
No API key may appear in an error, a log line or the output.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from fault_server import FaultServer, Reply
from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

from summarizer.engines.llm.attempts import note_attempt
from summarizer.engines.llm.client import LLMClient, OutputTruncated
from summarizer.engines.llm.config import LLMConfig, load_config, provider_defaults, redact
from summarizer.engines.llm.ratelimit import GATE
from summarizer.errors import EngineError, InputError

SECRET = "sk-test-9f8e7d6c5b4a39281706"


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator: str
    value: str

    @model_validator(mode="after")
    def _in_source(self, info: ValidationInfo) -> Answer:
        context = info.context or {}
        source = context.get("source")
        problems = (
            [] if source is None or self.value in source else [f"value：“{self.value}”不在原文中"]
        )
        note_attempt(context, self, problems)
        if problems:
            raise ValueError("；".join(problems))
        return self


GOOD = {"indicator": "地区生产总值", "value": "增长3.8%"}
SOURCE = "全年实现地区生产总值2803.5亿元、增长3.8%。"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))
    for name in ("SUMMARIZER_MODEL", "SUMMARIZER_API_BASE", "SUMMARIZER_LLM_MODE"):
        monkeypatch.delenv(name, raising=False)
    GATE.reset()
    yield
    GATE.reset()


@pytest.fixture
def server():
    with FaultServer() as running:
        yield running


def client_for(server: FaultServer, **options) -> LLMClient:
    settings = {"model": "openai/fault-double", "api_base": server.base_url, "api_key": SECRET}
    settings.update({"retries": 2, "backoff": 0.01, "timeout": 5.0, "cache": False})
    settings.update(options)
    return LLMClient(LLMConfig(**settings))


def ask(client: LLMClient, **kwargs):
    return client.structured(
        messages=[{"role": "user", "content": "请输出 JSON"}],
        response_model=Answer,
        context={"source": SOURCE},
        cache_parts=("test", SOURCE),
        **kwargs,
    )


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text


# -- configuration ---------------------------------------------------------------------
def test_options_override_environment_and_config_file(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text(
        '[llm]\nmodel = "deepseek/deepseek-chat"\ntimeout = 30\nmax_reasks = 4\n', encoding="utf-8"
    )
    monkeypatch.setenv("SUMMARIZER_LLM_TIMEOUT", "45")
    config = load_config({"max_reasks": 1})
    assert config.model == "deepseek/deepseek-chat"  # from the file
    assert config.timeout == 45  # the environment beats the file
    assert config.max_reasks == 1  # an option beats both
    assert config.mode == "json"  # DeepSeek: JSON mode, no json_schema


def test_provider_defaults_follow_what_each_server_accepts():
    assert provider_defaults("local").mode == "json_grammar"
    assert provider_defaults("openai/qwen", "http://127.0.0.1:8080/v1").mode == "json_grammar"
    assert provider_defaults("openai/gpt-4o-mini").mode == "json"
    assert provider_defaults("dashscope/qwen-plus").mode == "json"
    assert provider_defaults("ollama/qwen2.5:7b").concurrency == 1
    assert provider_defaults("local").concurrency == 1


def test_bad_options_are_input_errors(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="unknown LLM option"):
        load_config({"modle": "x"})
    with pytest.raises(InputError, match="unknown LLM mode"):
        load_config({"mode": "telepathy"})
    monkeypatch.delenv("NO_SUCH_KEY_VARIABLE", raising=False)
    with pytest.raises(InputError, match="NO_SUCH_KEY_VARIABLE"):
        load_config({"api_key_env": "NO_SUCH_KEY_VARIABLE"})
    (tmp_path / "config.toml").write_text(f'[llm]\napi_key = "{SECRET}"\n', encoding="utf-8")
    with pytest.raises(InputError, match="api_key_env") as raised:
        load_config({})
    assert_no_secret(str(raised.value))


def test_api_key_env_reads_the_key_and_repr_hides_it(monkeypatch):
    monkeypatch.setenv("MY_PROVIDER_KEY", SECRET)
    config = load_config({"model": "deepseek/deepseek-chat", "api_key_env": "MY_PROVIDER_KEY"})
    assert config.api_key == SECRET
    assert_no_secret(repr(config))


def test_redact_removes_known_keys_environment_keys_and_key_shapes(monkeypatch):
    monkeypatch.setenv("DEEPSEEK_API_KEY", "ds-0123456789abcdef")
    text = (
        f"Incorrect API key provided: {SECRET}. env ds-0123456789abcdef "
        "Authorization: Bearer abcdef1234567890 api_key='zzzzzzzzzz'"
    )
    clean = redact(text, [SECRET])
    for secret in (SECRET, "ds-0123456789abcdef", "abcdef1234567890", "zzzzzzzzzz"):
        assert secret not in clean


def test_importing_the_package_does_not_import_litellm():
    code = (
        "import sys, summarizer.engines.llm.client, summarizer.engines.llm.config, summarizer.engines.llm.engine, summarizer.pipeline, summarizer.cli;"
        "bad = [m for m in ('litellm', 'instructor', 'openai') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- the wire --------------------------------------------------------------------------
def test_json_grammar_mode_sends_the_schema_so_the_server_decodes_under_a_grammar(server):
    server.enqueue(Reply.json(GOOD))
    result = ask(client_for(server))
    assert result.value == Answer(**GOOD)
    response_format = server.requests[0].body["response_format"]
    assert response_format["type"] == "json_object"
    assert response_format["schema"]["properties"]["indicator"]["type"] == "string"
    assert result.usage.requests == 1 and result.usage.tokens_in > 0


def test_the_schema_instructor_shows_the_model_goes_on_one_line(server):
    """Instructor writes the response model's schema into the prompt, indented; the client
    sends the same JSON on one line.  Should instructor change how it writes the schema, the
    indented text would go out unchanged and this test says so."""
    import json as _json

    server.enqueue(Reply.json(GOOD))
    ask(client_for(server, mode="json"))
    sent = " ".join(m.get("content") or "" for m in server.requests[0].messages)
    schema = Answer.model_json_schema()
    assert _json.dumps(schema, ensure_ascii=False, separators=(",", ":")) in sent
    assert _json.dumps(schema, indent=2, ensure_ascii=False) not in sent


def test_json_mode_sends_plain_json_object(server):
    server.enqueue(Reply.json(GOOD))
    ask(client_for(server, mode="json"))
    assert server.requests[0].body["response_format"] == {"type": "json_object"}


def test_429_with_retry_after_pauses_the_shared_gate_and_retries(server):
    server.enqueue(Reply.rate_limit(retry_after=0.3), Reply.json(GOOD))
    result = ask(client_for(server))
    assert result.value.value == "增长3.8%"
    assert result.usage.retries == 1
    assert GATE.pauses == 1  # every caller waited, not only this one
    assert len(server.requests) == 2


def test_500_is_retried_with_backoff_then_succeeds(server):
    server.enqueue(Reply.server_error(500), Reply.server_error(503), Reply.json(GOOD))
    result = ask(client_for(server))
    assert result.value == Answer(**GOOD)
    assert result.usage.retries == 2 and result.usage.reasks == 0


def test_persistent_500_fails_naming_model_and_cause(server):
    server.responder = lambda request: Reply.server_error(500)
    with pytest.raises(EngineError) as raised:
        ask(client_for(server, retries=1))
    message = str(raised.value)
    assert "openai/fault-double" in message and "HTTP 500" in message and "2 attempts" in message
    assert_no_secret(message)


def test_a_hang_past_the_timeout_is_a_clear_timeout_error(server):
    server.enqueue(Reply.hang(30, Reply.json(GOOD)), Reply.hang(30, Reply.json(GOOD)))
    with pytest.raises(EngineError) as raised:
        ask(client_for(server, timeout=0.5, retries=1))
    message = str(raised.value)
    assert "openai/fault-double" in message and "timeout" in message
    assert len(server.requests) == 2  # retried once, then gave up


def test_truncated_json_is_reasked_with_the_parse_error(server):
    server.enqueue(Reply.truncated(GOOD), Reply.json(GOOD))
    result = ask(client_for(server))
    assert result.value == Answer(**GOOD)
    assert result.usage.reasks == 1
    reask = server.requests[1].messages
    assert reask[-2]["role"] == "assistant"
    assert "Correct your JSON" in reask[-1]["content"]


def test_json_breaking_the_schema_is_reasked_then_fails_clearly(server):
    server.responder = lambda request: Reply.json({"indicator": "地区生产总值"})  # no value
    with pytest.raises(EngineError) as raised:
        ask(client_for(server), max_reasks=2)
    message = str(raised.value)
    assert "openai/fault-double" in message and "3 attempt" in message and "value" in message
    assert len(server.requests) == 3


def test_an_ungrounded_answer_is_reasked_and_the_correction_counted(server):
    server.enqueue(Reply.json({"indicator": "地区生产总值", "value": "增长9.9%"}), Reply.json(GOOD))
    result = ask(client_for(server))
    assert result.value == Answer(**GOOD)
    assert result.problems == [] and len(result.first_problems) == 1
    assert "增长9.9%" in server.requests[1].messages[-1]["content"]  # told exactly what is wrong


def test_still_ungrounded_after_reasks_is_kept_with_its_problems(server):
    bad = {"indicator": "地区生产总值", "value": "增长9.9%"}
    server.responder = lambda request: Reply.json(bad)
    result = ask(client_for(server), max_reasks=1)
    assert result.value.value == "增长9.9%"  # kept, not dropped
    assert result.problems and "增长9.9%" in result.problems[0]
    assert result.usage.reasks == 1


def test_an_answer_cut_at_the_token_limit_is_reported_as_truncated(server):
    server.enqueue(Reply.text('{"indicator": "地区', finish_reason="length"))
    with pytest.raises(OutputTruncated):
        ask(client_for(server))


def test_rejected_key_error_names_the_model_and_never_shows_the_key(server, caplog, capsys):
    server.responder = lambda request: Reply.auth_error()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(EngineError) as raised:
        ask(client_for(server))
    message = str(raised.value)
    assert "HTTP 401" in message and "openai/fault-double" in message
    captured = capsys.readouterr()
    assert_no_secret(message, caplog.text, captured.out, captured.err)
    assert raised.value.__cause__ is None


def test_a_repeated_call_is_served_from_the_cache(server, tmp_path):
    server.enqueue(Reply.json(GOOD))
    client = client_for(server, cache=True)
    first = ask(client)
    second = ask(client)
    assert len(server.requests) == 1
    assert second.usage.cached and second.usage.tokens_in == 0
    assert second.value == first.value
    assert_no_secret(
        *(p.read_bytes().decode("latin-1") for p in tmp_path.rglob("*") if p.is_file())
    )


def test_the_fault_server_reports_usage_and_records_requests(server):
    server.enqueue(Reply.json(GOOD))
    ask(client_for(server))
    body = server.requests[0].body
    assert body["model"] == "fault-double"
    assert json.loads(json.dumps(body))["messages"][0]["role"] == "system"


def test_router_settings_from_servers_and_from_a_file(tmp_path):
    import json as _json

    from summarizer.engines.llm.client import router_settings
    from summarizer.errors import EngineError

    two = load_config({"model": "openai/m", "servers": "http://a/v1, http://b/v1"})
    assert two.routed and two.api_base == "http://a/v1"
    bases = [d["litellm_params"]["api_base"] for d in router_settings(two)["model_list"]]
    assert bases == ["http://a/v1", "http://b/v1"]
    listed = [{"model_name": "g", "litellm_params": {"model": "openai/m", "api_base": "http://c/v1",
                                                     "api_key": "sk-file-key-0123456789"}}]  # fmt: skip
    (tmp_path / "r.json").write_text(_json.dumps({"model_list": listed, "num_retries": 4}))
    config = load_config({"model": "openai/m", "router": str(tmp_path / "r.json")})
    settings = router_settings(config)
    assert settings["model_list"] == listed and settings["num_retries"] == 4
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(EngineError, match="model_list"):
        router_settings(load_config({"model": "openai/m", "router": str(tmp_path / "bad.json")}))
    # a key written in the router file is hidden like any other once the router is made
    from summarizer.engines.llm.client import LLMClient

    LLMClient(config).router()
    assert "0123456789" not in redact("echo sk-file-key-0123456789 " + " ".join("sk-file-key-0123456789"))


def test_settings_and_caches_go_to_the_platforms_folders(tmp_path, monkeypatch):
    from summarizer.engines.llm.config import config_file
    from summarizer.resources import config_dir, home_dir

    monkeypatch.delenv("SUMMARIZER_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert config_dir() == tmp_path / "config" / "summarizer"
    assert home_dir() == tmp_path / "cache" / "summarizer"
    assert config_file() == tmp_path / "config" / "summarizer" / "config.toml"
    earlier = tmp_path / "cache" / "summarizer" / "config.toml"  # where it used to live
    earlier.parent.mkdir(parents=True)
    earlier.write_text('[llm]\nmodel = "ollama/qwen2.5:7b"\n', encoding="utf-8")
    assert config_file() == earlier and load_config().model == "ollama/qwen2.5:7b"
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    assert config_dir() == home_dir() == tmp_path / "home"
