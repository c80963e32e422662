"""Where the LLM engine's settings come from, and the redaction of secrets.

Configuration (:func:`load_config`) comes, in order of precedence, from the options a caller
passes (the CLI flags), environment variables, the ``[llm]`` table of
``config.toml`` (in ``$SUMMARIZER_HOME``, else the platform's settings folder:
:func:`~summarizer.resources.config_dir`), and the defaults of the model's provider:

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
profile            SUMMARIZER_LLM_PROFILE        small (label repair and an overview from
                                                 the digest; the built-in model's default)
                                                 or full (the whole review; any other's)
=================  ============================  =========================================

Provider defaults (``mode``, context, chunk size, answer size, concurrency, timeout):

- ``local``: the built-in Qwen2.5-Coder-1.5B on llama.cpp; json_grammar, 8192, 3500, one call
  at a time (with the rules engine's draft, a call writes little: larger slices mean fewer
  calls, each with its fixed prompt).
- ``openai/NAME`` with ``api_base`` (vLLM, llama.cpp, any OpenAI-compatible server):
  json_grammar (``response_format={"type": "json_object", "schema": ...}``; a server that
  ignores the schema behaves as in json mode), 8192, 4500, 6 at once.
- ``deepseek/...``, ``dashscope/...``, ``openai/...`` (hosted): json (DeepSeek rejects
  json_schema and needs the word "json" in the prompt, which instructor's JSON mode writes).
- ``ollama/...``: json, one call at a time.

Without ``api_key_env`` litellm reads the provider's own variable (``DEEPSEEK_API_KEY``,
``DASHSCOPE_API_KEY``, ``OPENAI_API_KEY``).  Keys are never read from the config file and
never written to a log, an error, an output or the cache: the key resolved here is
remembered by :mod:`summarizer.secrets`, whose :func:`redact` every writer applies.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from summarizer.errors import InputError
from summarizer.resources import config_dir, home_dir
from summarizer.secrets import FRAGMENT, redact, remember

__all__ = [
    "LOCAL_MODEL",
    "MODES",
    "LLMConfig",
    "ProviderDefaults",
    "load_config",
    "provider_defaults",
    "redact",
    "FRAGMENT",
    "config_file",
]

LOCAL_MODEL = "local"
MODES = ("json", "json_grammar", "md_json", "tools", "json_schema")
PROFILES = ("small", "full")


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
    "local": ProviderDefaults("json_grammar", 8192, 3500, 1536, 1, 900.0),
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
    # small: short checkable jobs (label repair, an overview from the digest); full: the whole
    # review.  None: small for the built-in model, full for any other.
    profile: str | None = None
    # Several servers of the same model: every api_base (api_base is the first); calls are
    # spread over them and move off a dead or rate-limited one (a litellm Router).
    servers: tuple[str, ...] = ()
    router: str | None = None  # a file with a litellm Router's model_list (JSON, YAML or TOML)

    def resolved(self) -> LLMConfig:
        defaults = provider_defaults(self.model, self.api_base)
        mode = (self.mode or defaults.mode).lower()
        if mode not in MODES:
            raise InputError(f"unknown LLM mode {self.mode!r}: choose one of {', '.join(MODES)}")
        profile = (self.profile or ("small" if self.is_local else "full")).lower()
        if profile not in PROFILES:
            raise InputError(f"unknown profile {self.profile!r}: choose one of {', '.join(PROFILES)}")
        return replace(
            self,
            mode=mode,
            profile=profile,
            timeout=self.timeout or defaults.timeout,
            max_tokens=self.max_tokens or defaults.max_tokens,
            context_tokens=self.context_tokens or defaults.context_tokens,
            chunk_tokens=self.chunk_tokens or defaults.chunk_tokens,
            concurrency=self.concurrency or defaults.concurrency,
        )

    @property
    def is_local(self) -> bool:
        return self.model == LOCAL_MODEL and not self.routed

    @property
    def routed(self) -> bool:
        """Calls go through a router: several servers, or a router file."""
        return len(self.servers) > 1 or self.router is not None

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
    "profile": "SUMMARIZER_LLM_PROFILE",
    "router": "SUMMARIZER_LLM_ROUTER",
}
_FIELDS = {f.name: f for f in fields(LLMConfig)}


def _coerce(name: str, value: Any) -> Any:
    kind = _FIELDS[name].type
    if value is None or value == "":
        return None
    if name == "servers":  # a list, or one string of URLs separated by commas or spaces
        items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
        return tuple(str(item) for item in items if item)
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
    """The settings file: in :func:`~summarizer.resources.config_dir`; one an earlier version
    left in the cache folder is still read while there is none there."""
    path = config_dir() / "config.toml"
    earlier = home_dir() / "config.toml"
    return earlier if not path.is_file() and earlier.is_file() else path


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
    if merged.get("servers") and not merged.get("api_base"):
        merged["api_base"] = merged["servers"][0]
    config = LLMConfig(**merged).resolved()
    remember(config.api_key)  # hidden in everything written from now on
    return config
