"""The one place that talks to language models: configuration, client, retries, redaction, cache.

This is the only module that imports ``litellm`` and ``instructor``, and it imports them
lazily, inside :meth:`LLMClient.structured`, so the CLI, the rules engine and the tests that
need no model never pay litellm's import time.

Configuration (:func:`load_config`) comes, in order of precedence, from the options a caller
passes (the CLI flags), environment variables, the ``[llm]`` table of
``$SUMMARIZER_HOME/config.toml``, and the defaults of the model's provider:

=================  ============================  =========================================
option             environment variable          meaning
=================  ============================  =========================================
model              SUMMARIZER_MODEL              ``local`` (built-in) or a litellm name
api_base           SUMMARIZER_API_BASE           an OpenAI-compatible server's URL
api_key_env        SUMMARIZER_API_KEY_ENV        the variable holding the key
timeout            SUMMARIZER_LLM_TIMEOUT        seconds per request
mode               SUMMARIZER_LLM_MODE           json, json_grammar, md_json, tools,
                                                 json_schema
max_reasks         SUMMARIZER_MAX_REASKS         re-asks after a wrong answer
retries            SUMMARIZER_LLM_RETRIES        retries after 429, 5xx, timeouts
max_tokens         SUMMARIZER_LLM_MAX_TOKENS     the answer's token limit
context_tokens     SUMMARIZER_LLM_CONTEXT        the model's context window
chunk_tokens       SUMMARIZER_LLM_CHUNK_TOKENS   most report tokens sent in one call
concurrency        SUMMARIZER_LLM_CONCURRENCY    calls in flight at once
cache              SUMMARIZER_LLM_CACHE          0 turns the response cache off
=================  ============================  =========================================

Without ``api_key_env`` litellm reads the provider's own variable (``DEEPSEEK_API_KEY``,
``DASHSCOPE_API_KEY``, ``OPENAI_API_KEY``).  Keys are never written to a config file, a log,
an error or the cache: every message that leaves this module goes through :func:`redact`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from summarizer.errors import EngineError, InputError
from summarizer.local_model import home_dir
from summarizer.ratelimit import GATE

__all__ = [
    "LOCAL_MODEL",
    "MODES",
    "LLMConfig",
    "ProviderDefaults",
    "CallUsage",
    "CallResult",
    "OutputTruncated",
    "AnswerError",
    "LLMClient",
    "ResponseCache",
    "load_config",
    "provider_defaults",
    "redact",
    "note_attempt",
    "count_tokens",
    "home_dir",
]

# litellm must not fetch its price list from the network when it is imported.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

LOCAL_MODEL = "local"
MODES = ("json", "json_grammar", "md_json", "tools", "json_schema")
_NO_KEY = "sk-no-key-required"  # OpenAI-compatible servers accept any key

M = TypeVar("M", bound=BaseModel)


# -- configuration ---------------------------------------------------------------------
@dataclass(frozen=True)
class ProviderDefaults:
    """What works with a kind of model when the user says nothing (see OFFLINE.md)."""

    mode: str
    context_tokens: int
    chunk_tokens: int
    max_tokens: int
    concurrency: int
    timeout: float


# json_grammar: response_format={"type": "json_object", "schema": ...}; llama.cpp (and vLLM)
# then decode under a grammar, so the answer always parses.  DeepSeek rejects json_schema and
# needs the word "json" in the prompt (instructor's JSON mode writes it); small local models
# have no tool calling.
_DEFAULTS = {
    "local": ProviderDefaults("json_grammar", 8192, 2000, 1536, 1, 900.0),
    "server": ProviderDefaults("json_grammar", 8192, 4500, 2048, 6, 600.0),
    "ollama": ProviderDefaults("json", 8192, 3000, 2048, 1, 600.0),
    "deepseek": ProviderDefaults("json", 65536, 12000, 8192, 6, 180.0),
    "dashscope": ProviderDefaults("json", 131072, 12000, 8192, 6, 180.0),
    "openai": ProviderDefaults("json", 128000, 12000, 8192, 6, 180.0),
    "other": ProviderDefaults("json", 32768, 6000, 4096, 4, 180.0),
}


def provider_defaults(model: str, api_base: str | None = None) -> ProviderDefaults:
    if model == LOCAL_MODEL:
        return _DEFAULTS["local"]
    provider = model.split("/", 1)[0] if "/" in model else "openai"
    if provider == "ollama" or provider == "ollama_chat":
        return _DEFAULTS["ollama"]
    if provider in ("openai", "hosted_vllm", "llamafile", "lm_studio") and api_base:
        return _DEFAULTS["server"]
    return _DEFAULTS.get(provider, _DEFAULTS["other"])


@dataclass(frozen=True)
class LLMConfig:
    """Everything needed to reach a model; ``None`` fields take the provider's defaults."""

    model: str = LOCAL_MODEL
    api_base: str | None = None
    api_key: str | None = field(default=None, repr=False)
    api_key_env: str | None = None
    timeout: float | None = None
    mode: str | None = None
    max_reasks: int = 2
    retries: int = 3
    max_tokens: int | None = None
    context_tokens: int | None = None
    chunk_tokens: int | None = None
    concurrency: int | None = None
    temperature: float = 0.0
    cache: bool = True
    backoff: float = 0.5  # first wait after a 5xx or a timeout; doubles each retry

    def resolved(self) -> LLMConfig:
        defaults = provider_defaults(self.model, self.api_base)
        mode = (self.mode or defaults.mode).lower()
        if mode not in MODES:
            raise InputError(f"unknown LLM mode {self.mode!r}: choose one of {', '.join(MODES)}")
        return replace(
            self,
            mode=mode,
            timeout=self.timeout or defaults.timeout,
            max_tokens=self.max_tokens or defaults.max_tokens,
            context_tokens=self.context_tokens or defaults.context_tokens,
            chunk_tokens=self.chunk_tokens or defaults.chunk_tokens,
            concurrency=self.concurrency or defaults.concurrency,
        )

    @property
    def is_local(self) -> bool:
        return self.model == LOCAL_MODEL

    def secrets(self) -> list[str]:
        return [self.api_key] if self.api_key else []


_ENV = {
    "model": "SUMMARIZER_MODEL",
    "api_base": "SUMMARIZER_API_BASE",
    "api_key_env": "SUMMARIZER_API_KEY_ENV",
    "timeout": "SUMMARIZER_LLM_TIMEOUT",
    "mode": "SUMMARIZER_LLM_MODE",
    "max_reasks": "SUMMARIZER_MAX_REASKS",
    "retries": "SUMMARIZER_LLM_RETRIES",
    "max_tokens": "SUMMARIZER_LLM_MAX_TOKENS",
    "context_tokens": "SUMMARIZER_LLM_CONTEXT",
    "chunk_tokens": "SUMMARIZER_LLM_CHUNK_TOKENS",
    "concurrency": "SUMMARIZER_LLM_CONCURRENCY",
    "cache": "SUMMARIZER_LLM_CACHE",
}
_FIELDS = {f.name: f for f in fields(LLMConfig)}


def _coerce(name: str, value: Any) -> Any:
    kind = _FIELDS[name].type
    if value is None or value == "":
        return None
    try:
        if "bool" in str(kind):
            if isinstance(value, str):
                return value.strip().lower() not in ("0", "false", "no", "off")
            return bool(value)
        if "int" in str(kind):
            return int(value)
        if "float" in str(kind):
            return float(value)
    except (TypeError, ValueError):
        raise InputError(f"LLM option {name}: {value!r} is not a valid value") from None
    return str(value)


def config_file() -> Path:
    return home_dir() / "config.toml"


def _file_options() -> dict[str, Any]:
    path = config_file()
    if not path.is_file():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("llm", {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: cannot read the [llm] table: {error}") from None
    if "api_key" in table:
        raise InputError(f"{path}: keep API keys out of files; name a variable in api_key_env")
    return dict(table)


def load_config(options: Mapping[str, Any] | None = None) -> LLMConfig:
    """Resolve the configuration: options > environment > config file > provider defaults."""
    options = dict(options or {})
    unknown = set(options) - set(_FIELDS)
    if unknown:
        raise InputError(
            f"unknown LLM option(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(_FIELDS))}"
        )
    merged: dict[str, Any] = {}
    for source in (_file_options(), {k: os.environ.get(v) for k, v in _ENV.items()}, options):
        for name, value in source.items():
            if name in _FIELDS and value is not None and value != "":
                merged[name] = _coerce(name, value)
    if merged.get("api_key_env") and not merged.get("api_key"):
        variable = merged["api_key_env"]
        if not os.environ.get(variable):
            raise InputError(f"the environment variable {variable} (api_key_env) is not set")
        merged["api_key"] = os.environ[variable]
    return LLMConfig(**merged).resolved()


# -- redaction -------------------------------------------------------------------------
_SECRET_PATTERNS = [
    re.compile(r"\b(?:sk|pk|rk|ak)-[A-Za-z0-9_\-]{6,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]{6,}"),
    re.compile(
        r"(?i)((?:api[_-]?key|authorization|token|secret)['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]{6,}"
    ),
]
_SECRET_ENV = re.compile(r"(?:API_KEY|_TOKEN|_SECRET|ACCESS_KEY)$")


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` with API keys replaced by ``***``: known keys, keys in the environment, and
    anything shaped like a key or an Authorization header."""
    known = [s for s in secrets if s and len(s) >= 4]
    known += [v for k, v in os.environ.items() if _SECRET_ENV.search(k) and v and len(v) >= 6]
    for secret in sorted(set(known), key=len, reverse=True):
        text = text.replace(secret, "***")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text


# -- usage -----------------------------------------------------------------------------
@dataclass
class CallUsage:
    """What one logical call cost: requests, re-asks, transport retries, tokens, time."""

    requests: int = 0
    reasks: int = 0
    retries: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float | None = None
    cached: bool = False
    seconds: float = 0.0

    def add_cost(self, cost: float | None) -> None:
        if cost is not None:
            self.cost_usd = (self.cost_usd or 0.0) + cost


@dataclass
class CallResult:
    """A call's answer: the last structurally valid answer and what is still wrong with it.

    ``problems`` lists the verifier's objections that re-asking did not fix; the answer is
    kept (and flagged by the caller), never dropped.  ``first_problems`` are the objections
    to the first answer that parsed: what re-asking corrected is the difference.
    """

    value: Any
    problems: list[str]
    first_problems: list[str]
    usage: CallUsage


class OutputTruncated(EngineError):
    """The model's answer hit the token limit; the caller may split its input and retry."""


class AnswerError(EngineError):
    """The model answered, but never with JSON that fits the schema, re-asks included."""


# Validators of response models record every answer that parses, with their objections,
# under this key of the validation context; the client keeps the last one when re-asks run out.
_ATTEMPTS = "_attempts"


def note_attempt(context: Mapping[str, Any] | None, value: Any, problems: list[str]) -> None:
    """Called by a response model's validator: remember a parsed answer and its problems."""
    if context is not None and isinstance(context.get(_ATTEMPTS), list):
        context[_ATTEMPTS].append((value, list(problems)))


# -- cache -----------------------------------------------------------------------------
class ResponseCache:
    """A persistent answer cache (diskcache, SQLite) in ``$SUMMARIZER_HOME/llm-cache``."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or home_dir() / "llm-cache"
        self._cache: Any = None
        self._lock = threading.Lock()

    def _open(self) -> Any:
        with self._lock:
            if self._cache is None:
                import diskcache

                self.directory.mkdir(parents=True, exist_ok=True)
                self._cache = diskcache.Cache(str(self.directory), size_limit=2**30)
            return self._cache

    @staticmethod
    def key(*parts: Any) -> str:
        blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._open().get(key)
        return json.loads(raw) if isinstance(raw, str) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._open().set(key, json.dumps(value, ensure_ascii=False))

    def close(self) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None


# -- the client ------------------------------------------------------------------------
_import_lock = threading.Lock()
_modules: dict[str, Any] = {}


def _libraries() -> tuple[Any, Any]:
    """Import litellm and instructor once, quietly, with the cost map kept local."""
    with _import_lock:
        if not _modules:
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            try:
                import instructor
                import litellm
            except ImportError as error:
                raise EngineError(
                    f"the LLM engine needs its extra: pip install 'summarizer[llm]' ({error.name})"
                ) from None
            litellm.suppress_debug_info = True
            litellm.telemetry = False
            if litellm.client_session is None:
                import httpx

                # No idle pooled connections: each answer closes its socket, so none is left
                # open to a server that has gone away (a stopped local model, a test double).
                litellm.client_session = httpx.Client(
                    limits=httpx.Limits(max_keepalive_connections=0), follow_redirects=True
                )
            # Their loggers print exception texts (which can hold keys) to stderr; the errors
            # this module raises are redacted and say the same, so keep theirs quiet.
            for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "instructor"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
            _modules["litellm"], _modules["instructor"] = litellm, instructor
        return _modules["litellm"], _modules["instructor"]


def count_tokens(text: str, model: str = "gpt-4o-mini") -> int:
    """Tokens in ``text`` by litellm's counter for ``model`` (tiktoken for unknown models)."""
    litellm, _ = _libraries()
    return int(litellm.token_counter(model=model, text=text))


def _header(error: Exception, name: str) -> str | None:
    """A response header from a litellm/openai error, wherever that version keeps it."""
    response = getattr(error, "response", None)
    for headers in (
        getattr(error, "litellm_response_headers", None),
        getattr(error, "headers", None),
        getattr(response, "headers", None),
    ):
        with contextlib.suppress(Exception):
            value = headers.get(name) if headers is not None else None
            if value:
                return str(value)
    return None


def _retry_after(error: Exception) -> float | None:
    value = _header(error, "retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class LLMClient:
    """Structured calls to one configured model, with retries, re-asks and a cache."""

    def __init__(self, config: LLMConfig, cache: ResponseCache | None = None) -> None:
        self.config = config.resolved()
        self.cache = cache if cache is not None else (ResponseCache() if config.cache else None)
        self._endpoint: tuple[str, str | None, str | None] | None = None
        self._endpoint_lock = threading.Lock()

    # identity used in cache keys: the built-in model by its checksum, not its port
    @property
    def model_id(self) -> str:
        if self.config.is_local:
            from summarizer.local_model import MODEL_NAME, MODEL_SHA256

            return f"local:{MODEL_NAME}:{MODEL_SHA256[:16]}"
        return self.config.model

    @property
    def where(self) -> str:
        """The model and server, for messages."""
        if self.config.is_local:
            return "the built-in model (local)"
        base = f" at {self.config.api_base}" if self.config.api_base else ""
        return f"model {self.config.model}{base}"

    def endpoint(self) -> tuple[str, str | None, str | None]:
        """(litellm model name, api_base, api_key), starting the built-in server if needed."""
        with self._endpoint_lock:
            if self._endpoint is None:
                if self.config.is_local:
                    from summarizer.local_model import ensure_server

                    server = ensure_server()
                    self._endpoint = (server.model, server.base_url, "local")
                else:
                    key = self.config.api_key
                    if key is None and self.config.api_base:
                        key = _NO_KEY
                    self._endpoint = (self.config.model, self.config.api_base, key)
            return self._endpoint

    def _redact(self, text: str) -> str:
        return redact(text, self.config.secrets())

    # -- transport ----------------------------------------------------------------------
    def _describe(self, error: Exception, attempts: int) -> str:
        status = getattr(error, "status_code", None)
        name = type(error).__name__
        message = self._redact(str(getattr(error, "message", "") or error))
        message = re.sub(r"^(?:litellm\.)?\w+(?:Error|Exception)?:\s*", "", message)[:300]
        tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
        if name in ("Timeout", "APITimeoutError") or status == 408:
            cause = f"no answer within {self.config.timeout:g} s{tries} (timeout)"
        elif status == 429:
            cause = f"rate limited (HTTP 429){tries}"
        elif status in (401, 403):
            cause = f"the server refused the API key (HTTP {status}): {message}"
        elif isinstance(status, int) and status >= 500:
            cause = f"server error (HTTP {status}){tries}: {message}"
        elif name in ("APIConnectionError", "ServiceUnavailableError") or "Connection" in name:
            cause = f"cannot connect{tries}: {message}"
        elif isinstance(status, int):
            cause = f"request refused (HTTP {status}): {message}"
        else:
            cause = f"{name}: {message}"
        return f"{self.where}: {cause}"

    def _retryable(self, error: Exception) -> bool:
        status = getattr(error, "status_code", None)
        name = type(error).__name__
        if name in ("Timeout", "APITimeoutError", "APIConnectionError", "ServiceUnavailableError"):
            return True
        return isinstance(status, int) and (status in (408, 409, 429) or status >= 500)

    def _send(self, usage: CallUsage, schema: dict[str, Any], **kwargs: Any) -> Any:
        """One completion with transport retries; what instructor calls for every attempt."""
        litellm, _ = _libraries()
        model, api_base, api_key = self.endpoint()
        if self.config.mode == "json_grammar" and kwargs.get("response_format") == {
            "type": "json_object"
        }:
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        kwargs["messages"] = _compact_schema(kwargs.get("messages", []), schema)
        kwargs.update(
            model=model,
            timeout=self.config.timeout,
            max_retries=0,
            num_retries=0,
            temperature=self.config.temperature,
            max_tokens=self.config.max_tokens,
        )
        if api_base:
            kwargs["api_base"] = api_base
        if api_key:
            kwargs["api_key"] = api_key
        attempt = 0
        while True:
            GATE.wait()
            try:
                response = litellm.completion(**kwargs)
            except Exception as error:  # litellm raises many types; classify, then redact
                if not self._retryable(error) or attempt >= self.config.retries:
                    raise EngineError(self._describe(error, attempt + 1)) from None
                attempt += 1
                usage.retries += 1
                wait = _retry_after(error)
                if getattr(error, "status_code", None) == 429:
                    GATE.pause(wait if wait is not None else self.config.backoff * 2**attempt)
                else:
                    time.sleep(min(self.config.backoff * 2 ** (attempt - 1), 30.0))
                continue
            usage.requests += 1
            tokens = getattr(response, "usage", None)
            usage.tokens_in += int(getattr(tokens, "prompt_tokens", 0) or 0)
            usage.tokens_out += int(getattr(tokens, "completion_tokens", 0) or 0)
            usage.add_cost(self._cost(litellm, response))
            return response

    def _cost(self, litellm: Any, response: Any) -> float | None:
        if self.config.is_local:
            return 0.0
        try:
            return float(litellm.completion_cost(completion_response=response))
        except Exception:  # an unpriced model: cost unknown
            return None

    # -- structured calls ---------------------------------------------------------------
    def structured(
        self,
        *,
        messages: list[dict[str, Any]],
        response_model: type[M],
        context: Mapping[str, Any] | None = None,
        cache_parts: Sequence[Any] = (),
        max_reasks: int | None = None,
    ) -> CallResult:
        """Ask for ``response_model``; re-ask with the validators' messages on a wrong answer.

        ``context`` reaches the response model's validators (instructor validation context);
        they report objections with :func:`note_attempt` and raise to have the model re-asked.
        When re-asks run out, the last answer that parsed is returned with its objections.
        """
        started = time.monotonic()
        reasks = self.config.max_reasks if max_reasks is None else max_reasks
        key = None
        if self.cache is not None:
            key = ResponseCache.key(
                self.model_id, self.config.mode, response_model.__name__, *cache_parts
            )
            hit = self.cache.get(key)
            if hit is not None:
                value = response_model.model_validate_json(hit["value"])  # no context: no checks
                usage = CallUsage(cached=True, seconds=time.monotonic() - started)
                return CallResult(value, hit["problems"], hit["first_problems"], usage)

        _, instructor = _libraries()
        usage = CallUsage()
        schema = response_model.model_json_schema()
        attempts: list[tuple[Any, list[str]]] = []
        ctx = {**(context or {}), _ATTEMPTS: attempts}
        mode = {
            "json": instructor.Mode.JSON,
            "json_grammar": instructor.Mode.JSON,
            "md_json": instructor.Mode.MD_JSON,
            "tools": instructor.Mode.TOOLS,
            "json_schema": instructor.Mode.JSON_SCHEMA,
        }[self.config.mode]

        def send(**kwargs: Any) -> Any:
            return self._send(usage, schema, **kwargs)

        client = instructor.from_litellm(send, mode=mode)
        error: Exception | None = None
        value: Any = None
        try:
            value = client.chat.completions.create(
                messages=messages,
                response_model=response_model,
                max_retries=reasks,
                context=ctx,
                strict=False,
            )
        except Exception as raised:  # instructor wraps our EngineError and parse failures
            error = raised
        finally:
            usage.reasks = max(0, usage.requests - 1)
            usage.seconds = time.monotonic() - started

        if error is not None:
            cause = _root_cause(error)
            if isinstance(cause, EngineError):
                raise type(cause)(str(cause)) from None
            if type(cause).__name__ == "IncompleteOutputException":
                raise OutputTruncated(
                    f"{self.where}: the answer was cut off at {self.config.max_tokens} tokens"
                ) from None
            if not attempts:
                raise AnswerError(
                    f"{self.where}: no valid answer after {usage.requests} attempt(s): "
                    f"{_short(self._redact(str(cause)))}"
                ) from None
            value, problems = attempts[-1]
        else:
            problems = attempts[-1][1] if attempts else []
        first = attempts[0][1] if attempts else []
        # a plain copy: instructor hangs the raw completion on the instance it returns
        value = response_model.model_validate(value.model_dump())
        if self.cache is not None and key is not None:
            self.cache.set(
                key,
                {"value": value.model_dump_json(), "problems": problems, "first_problems": first},
            )
        return CallResult(value, problems, first, usage)


def _compact_schema(messages: list[dict[str, Any]], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Instructor shows the schema indented; the same JSON on one line costs far fewer tokens."""
    pretty = json.dumps(schema, indent=2, ensure_ascii=False)
    tight = json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    out = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str) and pretty in content:
            message = {**message, "content": content.replace(pretty, tight)}
        out.append(message)
    return out


def _root_cause(error: BaseException) -> BaseException:
    seen = set()
    while id(error) not in seen:
        seen.add(id(error))
        nxt = error.__cause__
        if nxt is None:
            break
        error = nxt
    return error


def _short(text: str, limit: int = 400) -> str:
    text = re.sub(r"\s*For further information visit \S+", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
