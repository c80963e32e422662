"""A fault-injecting OpenAI-compatible chat server on loopback: a TEST DOUBLE, not a model.

It speaks just enough of the OpenAI wire protocol (``POST /v1/chat/completions``,
``GET /v1/models``) for litellm's ``openai/<name>`` provider, and answers from a script:
queued replies first, then a responder function.  Every reply can be a fault that a real
model or server produces only sometimes: 429 with Retry-After, 500, a hang past the client's
timeout, truncated JSON, JSON that breaks the schema, an echo of the API key in an error.

    with FaultServer(latency=0.2) as server:          # a free port, a daemon thread
        server.enqueue(Reply.rate_limit(retry_after=1), Reply.json({"targets": []}))
        server.responder = lambda request: Reply.json(...)   # after the queue runs dry
        ... call f"{server.base_url}" as api_base ...
        server.requests                                # every request body received

``latency`` is added to every reply, so a benchmark can compare the wall time of concurrent
calls with the slowest one; ``max_in_flight`` shows how many were answered at once.  The server counts prompt tokens with ``count_tokens`` (a rough
CJK-aware estimate by default; pass a real tokenizer for token benchmarks).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FaultServer", "Reply", "Request", "approx_tokens"]

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def approx_tokens(text: str) -> int:
    """A rough token count: about 1.4 Chinese characters or 4 other characters per token."""
    cjk = len(_CJK.findall(text))
    return math.ceil(cjk / 1.4 + (len(text) - cjk) / 4)


@dataclass
class Reply:
    """One scripted answer; build it with the class methods."""

    status: int = 200
    content: str | None = None  # the assistant message text for a 200
    body: dict[str, Any] | None = None  # a whole JSON body (errors)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # extra seconds before answering (a hang past the timeout)
    finish_reason: str = "stop"
    echo_key: bool = False  # put the Authorization header into the error text

    @classmethod
    def text(cls, content: str, *, finish_reason: str = "stop", delay: float = 0.0) -> Reply:
        return cls(content=content, finish_reason=finish_reason, delay=delay)

    @classmethod
    def json(cls, value: Any, *, delay: float = 0.0) -> Reply:
        return cls(content=json.dumps(value, ensure_ascii=False), delay=delay)

    @classmethod
    def truncated(cls, value: Any, keep: float = 0.6, *, finish_reason: str = "stop") -> Reply:
        """Valid JSON cut off part way, as a model that stops early writes it."""
        whole = json.dumps(value, ensure_ascii=False)
        return cls(content=whole[: max(1, int(len(whole) * keep))], finish_reason=finish_reason)

    @classmethod
    def rate_limit(cls, retry_after: float = 1.0) -> Reply:
        return cls(
            status=429,
            headers={"Retry-After": f"{retry_after:g}"},
            body=_error("Rate limit reached, retry later.", "rate_limit_exceeded"),
        )

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls(status=status, body=_error("The server had an error.", "server_error"))

    @classmethod
    def hang(cls, seconds: float, then: Reply | None = None) -> Reply:
        """Answer only after ``seconds``: longer than the client's timeout, a hang."""
        reply = then or cls(content="{}")
        reply.delay = seconds
        return reply

    @classmethod
    def auth_error(cls) -> Reply:
        """401 whose message repeats the key the client sent, as some providers do."""
        return cls(status=401, echo_key=True, body=_error("", "invalid_api_key"))


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": code, "code": code}}


@dataclass
class Request:
    """What the server received: the JSON body and the headers."""

    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])

    @property
    def prompt(self) -> str:
        """All message text joined, the way the server counts prompt tokens."""
        parts = []
        for message in self.messages:
            content = message.get("content") or ""
            if isinstance(content, list):
                content = "".join(part.get("text", "") for part in content)
            parts.append(content)
        return "\n".join(parts)


Responder = Callable[[Request], Reply]


class FaultServer:
    """An OpenAI-compatible server on 127.0.0.1 that answers from a script."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        model: str = "fault-double",
        responder: Responder | None = None,
        count_tokens: Callable[[str], int] = approx_tokens,
    ) -> None:
        self.latency = latency
        self.model = model
        self.responder = responder
        self.count_tokens = count_tokens
        self.requests: list[Request] = []
        self.in_flight = 0  # requests being answered now
        self.max_in_flight = 0  # the most answered at once: shows calls ran concurrently
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- script -----------------------------------------------------------------------
    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def _next_reply(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            return self.responder(request)
        return Reply(status=500, body=_error("no scripted reply left", "script_exhausted"))

    # -- life cycle ---------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FaultServer:
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="fault-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answering ----------------------------------------------------------------------
    def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the server stops (a hang must not outlive a test)."""
        if seconds > 0:
            self._stopping.wait(seconds)

    def completion_body(self, request: Request, reply: Reply) -> dict[str, Any]:
        prompt_tokens = self.count_tokens(request.prompt)
        content = reply.content or ""
        completion_tokens = self.count_tokens(content)
        return {
            "id": f"chatcmpl-double-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.body.get("model", self.model),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


def _make_handler(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout): nothing to answer

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                model = {"id": server.model, "object": "model", "owned_by": "test-double"}
                self._send(200, {"object": "list", "data": [model]}, {})
            else:
                self._send(404, _error("not found", "not_found"), {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, _error("not found", "not_found"), {})
                return
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                self._send(400, _error("invalid JSON body", "invalid_request"), {})
                return
            request = Request(body=body, headers={k.lower(): v for k, v in self.headers.items()})
            reply = server._next_reply(request)
            with server._lock:
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            try:
                server._sleep(server.latency + reply.delay)
            finally:
                with server._lock:
                    server.in_flight -= 1
            if server._stopping.is_set():
                # Stopped mid-request: drop the connection, so that a client still waiting
                # fails at once instead of hanging until its timeout.
                self.close_connection = True
                return
            if reply.status != 200:
                payload = json.loads(json.dumps(reply.body or _error("error", "error")))
                if reply.echo_key:
                    key = request.headers.get("authorization", "").removeprefix("Bearer ")
                    payload["error"]["message"] = f"Incorrect API key provided: {key}."
                self._send(reply.status, payload, reply.headers)
                return
            self._send(200, server.completion_body(request, reply), reply.headers)

    return Handler
