"""A local HTTP server that speaks the OpenAI chat-completions protocol with scripted replies.

Tests (and golden-file record/replay) point the real ``openai`` client and ``instructor``
at it over real HTTP on 127.0.0.1. Every reply it sends is marked as scripted
(``"model": "scripted"``, ``system_fingerprint: "scripted"``, id ``scripted-N``): nothing it
returns is model output.

The reply source is pluggable: any callable ``RecordedRequest -> Step``. ``Script`` is the
usual one, a queue of steps answered in order. Steps:

- ``Reply(payload)``  a completion whose structured output is ``payload`` (dict or JSON text),
  shaped for whatever the request asked: a tool call when it sent ``tools``, bare JSON
  content for ``response_format: json_object``, a ```json block otherwise (MD_JSON);
- ``Status(code, headers)``  an HTTP error, e.g. 429 with Retry-After, or 500;
- ``Hang(seconds)``  send nothing for that long, then close (a client timeout test);
- ``Drop()``  close the connection without any response;
- ``Drip(interval, chars)``  headers at once, then ``chars`` bytes of a JSON body one at a
  time, each ``interval`` seconds apart: every read returns in time, the whole never does.

Every request is recorded (headers, raw body, parsed JSON) so tests can count requests and
check where the API key travelled.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from gipr_llm.llm.tokens import chat_request_tokens, count_tokens

SCRIPTED = "scripted"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    raw: bytes
    body: Any  # parsed JSON, or None when the body was not JSON


@dataclass(frozen=True)
class Reply:
    """A 200 completion carrying ``payload`` (a dict is JSON-encoded; a str is sent as is)."""

    payload: dict[str, Any] | str
    prompt_tokens: int | None = None  # None: counted from the request with the project's tokenizer
    completion_tokens: int | None = None
    delay: float = 0.0  # seconds before answering, like a model's latency


@dataclass(frozen=True)
class Status:
    code: int
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "scripted error"


@dataclass(frozen=True)
class Hang:
    seconds: float


@dataclass(frozen=True)
class Drop:
    pass


@dataclass(frozen=True)
class Drip:
    interval: float = 0.5
    chars: int = 10_000


Step = Reply | Status | Hang | Drop | Drip
ReplySource = Callable[[RecordedRequest], Step]


class Script:
    """Answers requests with ``steps`` in order, then with ``then`` forever (500 by default)."""

    def __init__(self, steps: Iterable[Step] = (), then: Step | None = None) -> None:
        self._steps = list(steps)
        self._then = then if then is not None else Status(500, message="script exhausted")
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> Step:
        with self._lock:
            return self._steps.pop(0) if self._steps else self._then


def completion_body(request_body: Any, step: Reply, number: int) -> dict[str, Any]:
    """The chat.completion JSON for a scripted reply, shaped for the request's instructor mode."""
    text = step.payload if isinstance(step.payload, str) else json.dumps(step.payload, ensure_ascii=False)
    body = request_body if isinstance(request_body, dict) else {}
    message: dict[str, Any] = {"role": "assistant", "content": None}
    finish_reason = "stop"
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message["tool_calls"] = [
            {"id": f"call_{number}", "type": "function", "function": {"name": name, "arguments": text}}
        ]
        finish_reason = "tool_calls"
    elif (body.get("response_format") or {}).get("type") in {"json_object", "json_schema"}:
        message["content"] = text
    else:
        message["content"] = f"```json\n{text}\n```"
    prompt = step.prompt_tokens if step.prompt_tokens is not None else chat_request_tokens(body)
    completion = step.completion_tokens if step.completion_tokens is not None else count_tokens(text)
    return {
        "id": f"{SCRIPTED}-{number}",
        "object": "chat.completion",
        "created": 0,
        "model": SCRIPTED,
        "system_fingerprint": SCRIPTED,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


class ScriptedServer:
    """``with ScriptedServer(Script([...])) as server:`` then use ``server.base_url``."""

    def __init__(self, source: ReplySource, host: str = "127.0.0.1") -> None:
        self.source = source
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer((host, 0), _handler_class(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="scripted-llm", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def completion_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, request: RecordedRequest) -> int:
        with self._lock:
            self.requests.append(request)
            return len(self.requests)


def _handler_class(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection: drops and hangs stay isolated

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            self._send_json(404, {"error": {"message": "not found", "type": SCRIPTED}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            request = RecordedRequest(
                method="POST",
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                raw=raw,
                body=body,
            )
            number = server._record(request)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send_json(404, {"error": {"message": "not found", "type": SCRIPTED}})
                return
            step = server.source(request)
            if isinstance(step, Drop):
                self.close_connection = True
                return  # the socket closes with nothing written
            if isinstance(step, Drip):
                self._drip(step)
                return
            if isinstance(step, Hang):
                server._stopping.wait(step.seconds)
                self.close_connection = True
                return
            if isinstance(step, Status):
                error = {"error": {"message": step.message, "type": SCRIPTED, "code": step.code}}
                self._send_json(step.code, error, step.headers)
                return
            if step.delay:
                server._stopping.wait(step.delay)
            self._send_json(200, completion_body(body, step, number))

        def _drip(self, step: Drip) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(step.chars))
            self.end_headers()
            self.wfile.flush()
            for _ in range(step.chars):
                if server._stopping.wait(step.interval):
                    break
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:  # the client gave up: the point of the test
                    break
            self.close_connection = True

        def _send_json(
            self, code: int, payload: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
