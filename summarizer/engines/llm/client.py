"""The one place that talks to language models: the client, retries, re-asks and the cache.

This is the only module that imports ``litellm`` and ``instructor``, and it imports them
lazily, inside :meth:`LLMClient.structured`, so the CLI, the rules engine and the tests that
need no model never pay litellm's import time.  Settings come from
:mod:`summarizer.engines.llm.config` (``LLMConfig``, ``load_config`` and ``redact`` are part of this
module's interface too); every error message leaving this module is redacted.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import re
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from summarizer.engines.llm.attempts import ATTEMPTS
from summarizer.engines.llm.config import LLMConfig, load_config, redact
from summarizer.engines.llm.local import LocalServer
from summarizer.engines.llm.ratelimit import GATE
from summarizer.errors import EngineError
from summarizer.resources import home_dir
from summarizer.secrets import remember

__all__ = [
    "LLMConfig",
    "load_config",
    "redact",
    "CallUsage",
    "CallResult",
    "OutputTruncated",
    "AnswerError",
    "LLMClient",
    "ModelClient",
    "ResponseCache",
    "count_tokens",
]

# litellm must not fetch its price list from the network when it is imported.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

_NO_KEY = "sk-no-key-required"  # OpenAI-compatible servers accept any key

M = TypeVar("M", bound=BaseModel)


# -- usage -----------------------------------------------------------------------------
@dataclass
class CallUsage:
    """What one logical call cost: requests, re-asks, transport retries, tokens, time."""

    requests: int = 0
    reasks: int = 0
    retries: int = 0
    servers: dict[str, int] = field(default_factory=dict)  # requests answered, by server
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
            # litellm builds large tables at import; moving everything alive now out of the
            # collector's reach keeps full collections (which stop every thread) short.
            gc.freeze()
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


class ModelClient(Protocol):
    """What the LLM engine needs of a model: structured answers to its prompts.

    :class:`LLMClient` is the real one; tests hand the engine a scripted one in-process.
    """

    config: LLMConfig

    @property
    def model_id(self) -> str: ...

    def structured(
        self,
        *,
        messages: list[dict[str, Any]],
        response_model: type[M],
        context: Mapping[str, Any] | None = None,
        cache_parts: Sequence[Any] = (),
        max_reasks: int | None = None,
    ) -> CallResult: ...


class LLMClient:
    """Structured calls to one configured model, with retries, re-asks and a cache."""

    def __init__(self, config: LLMConfig, cache: ResponseCache | None = None) -> None:
        self.config = config.resolved()
        remember(self.config.api_key)
        self.cache = cache if cache is not None else (ResponseCache() if config.cache else None)
        self._endpoint: tuple[str, str | None, str | None] | None = None
        self._endpoint_lock = threading.Lock()
        self._server: LocalServer | None = None  # the built-in model's server, once started
        self._router: Any = None  # several servers: a litellm Router, made on first use
        self._router_group = ""  # the model name the router's calls ask for
        self._router_lock = threading.Lock()

    # identity used in cache keys: the built-in model by its checksum, not its port
    @property
    def model_id(self) -> str:
        if self.config.is_local:
            from summarizer.engines.llm.local import MODEL_NAME, MODEL_SHA256

            return f"local:{MODEL_NAME}:{MODEL_SHA256[:16]}"
        return self.config.model

    @property
    def where(self) -> str:
        """The model and server, for messages."""
        if self.config.routed:
            count = len(self.config.servers) if not self.config.router else "the router's"
            return f"model {self.config.model} on {count} servers"
        if self.config.is_local:
            return "the built-in model (local)"
        base = f" at {self.config.api_base}" if self.config.api_base else ""
        return f"model {self.config.model}{base}"

    def router(self) -> Any:
        """The litellm Router over every server (or the router file's model list): calls are
        spread over them, and a server that fails or is rate limited is cooled down while the
        others answer."""
        with self._router_lock:
            if self._router is None:
                # pydantic's note on litellm's Router types, printed on the first cool-down:
                # meant for litellm's authors, not for our users
                warnings.filterwarnings("ignore", message=r"Items .* are using the `ReadOnly`")
                from litellm import Router

                settings = router_settings(self.config)
                for deployment in settings["model_list"]:
                    remember(deployment.get("litellm_params", {}).get("api_key"))
                settings.setdefault("num_retries", max(1, len(settings["model_list"])))
                settings.setdefault("allowed_fails", 1)
                settings.setdefault("cooldown_time", 30)
                settings.setdefault("retry_after", 0)
                self._router_group = settings["model_list"][0]["model_name"]
                self._router = Router(**settings)
            return self._router

    def endpoint(self) -> tuple[str, str | None, str | None]:
        """(litellm model name, api_base, api_key), starting the built-in server if needed."""
        with self._endpoint_lock:
            if self._endpoint is None:
                if self.config.is_local:
                    from summarizer.engines.llm.local import ensure_server

                    server = ensure_server()
                    self._server = server
                    self._endpoint = (server.model, server.base_url, "local")
                else:
                    key = self.config.api_key
                    if key is None and self.config.api_base:
                        key = _NO_KEY
                    self._endpoint = (self.config.model, self.config.api_base, key)
            return self._endpoint

    def _redact(self, text: str) -> str:
        return redact(text, self.config.secrets())

    def _check_server(self, grace: float = 0.0) -> None:
        """Raise at once, saying how, if the built-in model's server has died: a dead
        process is never retried."""
        server = self._server
        if server is not None and server.exited(grace):
            raise EngineError(server.stopped(" during a call"))

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
        router = self.router() if self.config.routed else None
        if router is not None:
            kwargs["model"] = self._router_group
            kwargs.pop("num_retries")  # the router's own: it retries on another server
        else:
            if api_base:
                kwargs["api_base"] = api_base
            if api_key:
                kwargs["api_key"] = api_key
        attempt = 0
        while True:
            GATE.wait()
            self._check_server()
            try:
                if router is not None:
                    response = router.completion(**kwargs)
                else:
                    response = litellm.completion(**kwargs)
            except Exception as error:  # litellm raises many types; classify, then redact
                # A dropped connection to the built-in server: did it die?  (Its exit can
                # reach us a moment after the connection does.)
                self._check_server(grace=1.0 if self._server is not None else 0.0)
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
            server = _server_of(response) if router is not None else None
            if server:
                usage.servers[server] = usage.servers.get(server, 0) + 1
            _redact_answer(response, self.config.secrets())
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
        they report objections with :func:`~summarizer.engines.llm.attempts.note_attempt` and raise to have the model re-asked.
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
                cached = response_model.model_validate_json(hit["value"])  # no context: no checks
                usage = CallUsage(cached=True, seconds=time.monotonic() - started)
                return CallResult(cached, hit["problems"], hit["first_problems"], usage)

        _, instructor = _libraries()
        usage = CallUsage()
        schema = response_model.model_json_schema()
        attempts: list[tuple[Any, list[str]]] = []
        ctx = {**(context or {}), ATTEMPTS: attempts}
        mode = {
            "json": instructor.Mode.JSON,
            "json_grammar": instructor.Mode.JSON,
            "md_json": instructor.Mode.MD_JSON,
            "tools": instructor.Mode.TOOLS,
            "json_schema": instructor.Mode.JSON_SCHEMA,
        }[self.config.mode or "json"]

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


def router_settings(config: LLMConfig) -> dict[str, Any]:
    """A litellm Router's settings: from the router file (its ``model_list`` and any router
    options), or one deployment per server of ``config.servers``."""
    if config.router:
        path = Path(config.router).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise EngineError(f"router file {path}: {error.strerror or error}") from None
        try:
            if path.suffix == ".toml":
                import tomllib

                data: Any = tomllib.loads(text)
            elif path.suffix in (".yaml", ".yml"):
                import yaml

                data = yaml.safe_load(text)
            else:
                data = json.loads(text)
        except Exception as error:  # a file that does not parse: say where
            raise EngineError(f"router file {path}: {type(error).__name__}: {error}") from None
        if isinstance(data, list):
            data = {"model_list": data}
        if not isinstance(data, dict) or not isinstance(data.get("model_list"), list) or not data["model_list"]:
            raise EngineError(f"router file {path}: it needs a non-empty model_list")
        return dict(data)
    key = config.api_key or _NO_KEY
    deployments = [
        {"model_name": "summarizer", "litellm_params": {"model": config.model, "api_base": base,
                                                        "api_key": key}}
        for base in config.servers
    ]  # fmt: skip
    return {"model_list": deployments}


def _server_of(response: Any) -> str | None:
    """Which server answered (a router says in the response's hidden parameters)."""
    hidden = getattr(response, "_hidden_params", None) or {}
    return hidden.get("api_base") or None


def _redact_answer(response: Any, secrets: list[str]) -> None:
    """A model's (or a proxy's) answer with any key it wrote hidden, before it is parsed,
    cached or quoted anywhere."""
    for choice in getattr(response, "choices", None) or []:
        message = getattr(choice, "message", None)
        if message is None:
            continue
        content = getattr(message, "content", None)
        if isinstance(content, str):
            message.content = redact(content, secrets)
        for call in getattr(message, "tool_calls", None) or []:
            function = getattr(call, "function", None)
            arguments = getattr(function, "arguments", None)
            if function is not None and isinstance(arguments, str):
                function.arguments = redact(arguments, secrets)


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
