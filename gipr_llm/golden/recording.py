"""Record LLM replies next to a golden case, and replay them through the real client path.

**Replay** (the CI default) runs the ordinary pipeline — the real ``openai`` client and
``instructor``, grounding, re-asks — against the project's local scripted server
(``gipr_llm.llm.scripted_server``), whose reply source looks each request up in the case's
recording by its request hash. Two loud failures, both naming the case and the command that
fixes them:

- the recording was made with another prompt file (its ``prompt_sha256`` differs from the
  current file's): refused before any request;
- a request has no recording (the prompt text, the reply schema, the report's narrative
  text or the model changed): the server answers an error, and the run fails.

**Record** runs the pipeline against the configured endpoint through a small forwarding
proxy on 127.0.0.1 that keeps every exchange verbatim; each successful reply becomes an
entry (model, prompt id and sha256, request, reply, token usage, date). An entry answered
by the scripted server is labelled ``"source": "scripted"``; one answered by a model is
labelled ``"source": "model"`` and carries the model's name as the endpoint returned it.

A provider that does not speak the OpenAI wire is recorded and replayed one level up, at the
provider protocol (``gipr_llm.llm.replay``): the recording then says ``provider`` and keeps
``calls`` (request key, validated reply, usage) instead of wire ``entries``.

The request hash is sha256 over the request body in a canonical form: keys sorted, and the
parts of a re-ask that differ between a live reply and its replay without changing what the
model is told — tool-call ids, the JSON spacing of earlier replies, and pydantic's
version-stamped help URL in validation errors — normalised.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from gipr_llm.domain.models import Report, TokenUsage
from gipr_llm.facts.prompt import Prompt, PromptError, load_prompt
from gipr_llm.golden.store import GoldenCase, GoldenError, read_json, write_json
from gipr_llm.llm.config import LlmConfig, LlmMode
from gipr_llm.llm.replay import ProtocolEntry, recording_calls, replaying_calls
from gipr_llm.llm.scripted_server import (
    SCRIPTED,
    RecordedRequest,
    Reply,
    Script,
    ScriptedServer,
    Status,
    Step,
)

RECORDING_FORMAT = 1
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
REPLAY_API_KEY = "golden-replay"  # the local server ignores it; the client needs one
_PYDANTIC_URL = re.compile(r"https://errors\.pydantic\.dev/[^/\s]+/")
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class RecordedReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Literal["scripted", "model"] = Field(
        description="scripted: written by hand and answered by the project's test server; model: a model's reply"
    )
    model: str = Field(description="Who answered: 'scripted', or the model name the endpoint returned")
    prompt_id: str | None = Field(None, description="The prompt file the request was built from")
    prompt_sha256: str | None = None
    date: str = Field(description="When the reply was recorded (YYYY-MM-DD)")
    request_sha256: str = Field(description="sha256 of the canonical request body (the replay key)")
    request: dict[str, Any] = Field(description="The chat-completions request body as sent")
    reply: dict[str, Any] | str = Field(
        description="The structured output (tool-call arguments or JSON content); text when it was not JSON "
        "or when re-serialising it would change its bytes"
    )
    usage: TokenUsage = Field(default_factory=TokenUsage)


class Recording(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int = RECORDING_FORMAT
    case: str
    model: str = Field(description="The model name the requests asked for (GIPR_MODEL when recorded)")
    mode: LlmMode = "tools"
    validation_retries: int = Field(
        2, description="instructor re-asks allowed when recorded; replay uses the same"
    )
    entries: list[RecordedReply] = Field(default_factory=list)
    provider: str = Field("openai", description="openai: wire entries; any other: protocol calls")
    calls: list[ProtocolEntry] = Field(
        default_factory=list, description="Protocol-level calls, for providers other than openai"
    )
    calls_source: Literal["scripted", "model"] = Field(
        "model", description="Who answered the protocol-level calls"
    )

    @property
    def sources(self) -> set[str]:
        return {entry.source for entry in self.entries} | ({self.calls_source} if self.calls else set())


# --- request identity -------------------------------------------------------------


def request_sha256(body: Any) -> str:
    canonical = json.dumps(_canonical(body), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical(body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    body = copy.deepcopy(body)
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        for call in message.get("tool_calls") or []:
            call.pop("id", None)
            function = call.get("function") or {}
            if isinstance(function.get("arguments"), str):
                function["arguments"] = _json_or_text(function["arguments"])
        message.pop("tool_call_id", None)
        content = message.get("content")
        if isinstance(content, str):
            if message.get("role") == "assistant":
                message["content"] = _json_or_text(content)
            elif message.get("role") in ("tool", "user"):
                message["content"] = _PYDANTIC_URL.sub("https://errors.pydantic.dev/", content)
    return body


def _json_or_text(text: str) -> Any:
    match = _FENCE.match(text)
    try:
        return json.loads(match.group(1) if match else text)
    except ValueError:
        return text


# --- reading and checking recordings ----------------------------------------------


def load_recording(case: GoldenCase) -> Recording:
    if not case.recording_path.is_file():
        raise GoldenError(
            f"{case.name}: 没有大模型录制文件 {case.relative(case.recording_path)}，"
            f"请先录制：gipr golden record --case {case.name}"
        )
    try:
        recording = Recording.model_validate(read_json(case.recording_path))
    except ValidationError as err:
        problem = err.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise GoldenError(f"{case.recording_path}: {where} {problem['msg']}") from None
    for index, entry in enumerate(recording.entries):
        if request_sha256(entry.request) != entry.request_sha256:
            raise GoldenError(
                f"{case.name}: 录制文件第{index + 1}条的 request 与其 request_sha256 不符（请求被手工改动？），"
                f"请重新录制：gipr golden record --case {case.name}"
            )
    return recording


def check_prompts(case: GoldenCase, recording: Recording) -> None:
    """Refuse a recording made with another version of a prompt file, before any request."""
    for entry in recording.entries:
        if entry.prompt_id is None:
            continue
        try:
            current = load_prompt(entry.prompt_id).sha256
        except PromptError:
            raise GoldenError(
                f"{case.name}: 录制所用的提示词文件 {entry.prompt_id}.md 已不存在，录制已过期，"
                f"请重新录制：gipr golden record --case {case.name}"
            ) from None
        if entry.prompt_sha256 != current:
            raise GoldenError(
                f"{case.name}: 提示词 {entry.prompt_id} 已修改（录制时 sha256 {str(entry.prompt_sha256)[:12]}，"
                f"当前 {current[:12]}），录制已过期，请重新录制：gipr golden record --case {case.name}"
            )


# --- replay -----------------------------------------------------------------------


@dataclass
class ReplaySource:
    """The scripted server's reply source during replay: the recorded reply for each request."""

    recording: Recording
    misses: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key = {entry.request_sha256: entry for entry in self.recording.entries}
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> Step:
        entry = self._by_key.get(request_sha256(request.body))
        if entry is None:
            with self._lock:
                self.misses.append(request.body)
            return Status(400, message="golden replay: no recording for this request")
        return Reply(
            entry.reply,
            prompt_tokens=entry.usage.prompt_tokens,
            completion_tokens=entry.usage.completion_tokens,
        )


def replay_config(recording: Recording, base_url: str) -> LlmConfig:
    return LlmConfig(
        model=recording.model,
        api_key=SecretStr(REPLAY_API_KEY),
        base_url=base_url,
        mode=recording.mode,
        validation_retries=recording.validation_retries,
        transport_retries=0,  # a miss is final; nothing to wait for on a local server
        backoff_base=0.0,
        timeout=30.0,
        total_timeout=120.0,
        cache_dir=None,  # the response cache would answer instead of the recording
    )


def replay_extract(case: GoldenCase) -> Report:
    """The case's report with narrative facts from the LLM path, answered from the recording."""
    from gipr_llm.pipeline import extract

    recording = load_recording(case)
    check_prompts(case, recording)
    if recording.provider != "openai":
        return _replay_protocol(case, recording)
    source = ReplaySource(recording)
    with ScriptedServer(source) as server:
        report = extract(case.input_path, replay_config(recording, server.base_url))
    if source.misses:
        raise GoldenError(
            f"{case.name}: {len(source.misses)} 个大模型请求没有录制（{_what_changed(source.misses[0], recording)}），"
            f"请重新录制：gipr golden record --case {case.name}"
        )
    return report


def _replay_protocol(case: GoldenCase, recording: Recording) -> Report:
    from gipr_llm.pipeline import extract

    config = replay_config(recording, "http://127.0.0.1:9/v1").model_copy(
        update={"provider": recording.provider}
    )
    with replaying_calls(recording.model, recording.mode, recording.calls) as replay:
        report = extract(case.input_path, config)
    if replay.misses:
        raise GoldenError(
            f"{case.name}: {len(replay.misses)} 个大模型调用没有录制（提示词、回复结构或报告文字已改动），"
            f"请重新录制：gipr golden record --case {case.name}"
        )
    return report


def _what_changed(body: Any, recording: Recording) -> str:
    """Which part of a request differs from the nearest recorded one, in a few words."""
    if not recording.entries:
        return "录制文件中没有任何回复"
    body = _canonical(body) if isinstance(body, dict) else {}
    messages = body.get("messages") or []

    def distance(recorded: dict[str, Any]) -> tuple[bool, bool, int]:
        # the same kind of request first (same tool, same system prompt), then the same length
        others = recorded.get("messages") or []
        same_system = bool(messages and others) and messages[0] == others[0]
        return (
            recorded.get("tool_choice") != body.get("tool_choice"),
            not same_system,
            abs(len(others) - len(messages)),
        )

    nearest = min((_canonical(e.request) for e in recording.entries), key=distance)
    parts = []
    recorded = nearest.get("messages") or []
    roles = {"system": "系统提示词", "user": "报告正文或用户提示词"}
    for index, message in enumerate(messages):
        other = recorded[index] if index < len(recorded) else None
        if message != other:
            parts.append(roles.get(message.get("role"), f"第{index + 1}条消息（重问）"))
    for key in sorted(set(body) | set(nearest)):
        if key != "messages" and body.get(key) != nearest.get(key):
            parts.append({"tools": "回复结构(schema)", "model": "模型名"}.get(key, key))
    return "请求中变化的部分：" + "、".join(dict.fromkeys(parts)) if parts else "请求与录制不同"


# --- record -----------------------------------------------------------------------


@dataclass
class Exchange:
    request: Any
    status: int
    response: Any


class RecordingProxy:
    """A forwarding proxy on 127.0.0.1 that keeps every chat-completions exchange verbatim.

    The client talks to ``base_url``; each POST is sent on to ``upstream`` with the client's
    Authorization header (never stored) and the answer is passed back unchanged.
    """

    def __init__(self, upstream: str, timeout: float = 120.0) -> None:
        import httpx

        self.upstream = upstream.rstrip("/")
        self.exchanges: list[Exchange] = []
        self._http = httpx.Client(timeout=timeout)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _proxy_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="golden-proxy", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._http.close()

    def forward(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes, dict[str, str]]:
        import httpx

        sent = {k: v for k, v in headers.items() if k.lower() in ("authorization", "content-type", "api-key")}
        try:
            response = self._http.post(self.upstream + path, content=raw, headers=sent)
        except httpx.HTTPError as err:
            body = json.dumps({"error": {"message": f"golden record proxy: {type(err).__name__}"}}).encode()
            return 502, body, {}
        passed = {k: v for k, v in response.headers.items() if k.lower() in ("retry-after", "retry-after-ms")}
        with self._lock:
            self.exchanges.append(Exchange(_loads(raw), response.status_code, _loads(response.content)))
        return response.status_code, response.content, passed


def _loads(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _proxy_handler(proxy: RecordingProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body, headers = proxy.forward(self.path, dict(self.headers.items()), raw)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _prompts_by_system_text() -> dict[str, Prompt]:
    from gipr_llm.facts.narrative import NARRATIVE_PROMPT
    from gipr_llm.facts.table3_reread import TABLE3_PROMPT

    prompts = [load_prompt(NARRATIVE_PROMPT), load_prompt(TABLE3_PROMPT)]
    return {prompt.system: prompt for prompt in prompts}


def entry_from_exchange(exchange: Exchange, date: str) -> RecordedReply:
    request = exchange.request if isinstance(exchange.request, dict) else {}
    response = exchange.response if isinstance(exchange.response, dict) else {}
    message = ((response.get("choices") or [{}])[0]).get("message") or {}
    calls = message.get("tool_calls") or []
    text = calls[0]["function"]["arguments"] if calls else (message.get("content") or "")
    reply = _json_or_text(text)
    if not isinstance(reply, dict) or json.dumps(reply, ensure_ascii=False) != text:
        reply = text  # kept verbatim: replay must send back exactly what the model sent
    system = next(
        (m.get("content") for m in request.get("messages") or [] if m.get("role") == "system"), None
    )
    prompt = _prompts_by_system_text().get(system) if isinstance(system, str) else None
    usage = response.get("usage") or {}
    answered_by = str(response.get("model") or "")
    scripted = answered_by == SCRIPTED or response.get("system_fingerprint") == SCRIPTED
    return RecordedReply(
        source="scripted" if scripted else "model",
        model=SCRIPTED if scripted else answered_by or str(request.get("model")),
        prompt_id=prompt.id if prompt else None,
        prompt_sha256=prompt.sha256 if prompt else None,
        date=date,
        request_sha256=request_sha256(request),
        request=request,
        reply=reply,
        usage=TokenUsage(
            prompt_tokens=usage.get("prompt_tokens") or 0,
            completion_tokens=usage.get("completion_tokens") or 0,
            total_tokens=usage.get("total_tokens") or 0,
        ),
    )


def record_case(case: GoldenCase, config: LlmConfig, today: dt.date | None = None) -> Recording:
    """Run the case against ``config``'s endpoint and write its recording; returns it."""
    from gipr_llm.pipeline import extract

    if config.provider != "openai":
        return _record_protocol(case, config, today)
    with RecordingProxy(config.base_url or OPENAI_DEFAULT_BASE_URL, timeout=config.timeout) as proxy:
        run_config = config.model_copy(update={"base_url": proxy.base_url, "cache_dir": None})
        report = extract(case.input_path, run_config)
    if report.extraction.extractor != "llm":
        reason = report.extraction.fallback_reason or "未知原因"
        raise GoldenError(f"{case.name}: 录制失败，大模型没有给出可用的结果：{reason}")
    date = (today or dt.date.today()).isoformat()
    entries = [entry_from_exchange(ex, date) for ex in proxy.exchanges if ex.status == 200]
    recording = Recording(
        case=case.name,
        model=config.model,
        mode=config.mode,
        validation_retries=config.validation_retries,
        entries=entries,
    )
    write_json(case.recording_path, recording.model_dump(mode="json"))
    return recording


def _record_protocol(
    case: GoldenCase, config: LlmConfig, today: dt.date | None, source: Literal["scripted", "model"] = "model"
) -> Recording:
    from gipr_llm.pipeline import extract

    with recording_calls() as calls:
        report = extract(case.input_path, config.model_copy(update={"cache_dir": None}))
    if report.extraction.extractor != "llm":
        reason = report.extraction.fallback_reason or "未知原因"
        raise GoldenError(f"{case.name}: 录制失败，大模型没有给出可用的结果：{reason}")
    recording = Recording(
        case=case.name,
        model=config.model,
        mode=config.mode,
        validation_retries=config.validation_retries,
        provider=config.provider,
        calls=calls,
        calls_source=source,
    )
    write_json(case.recording_path, recording.model_dump(mode="json"))
    return recording


@contextmanager
def scripted_endpoint(replies: list[dict[str, Any] | str]) -> Iterator[LlmConfig]:
    """A 'live' endpoint that is the project's scripted server answering ``replies`` in order.

    Used to record hand-written replies: the recording is labelled ``scripted`` because the
    scripted server, not a model, answered."""
    steps: list[Step] = [Reply(reply) for reply in replies]
    with ScriptedServer(Script(steps, then=Status(500, message="no more scripted replies"))) as server:
        yield LlmConfig(
            model=SCRIPTED,
            api_key=SecretStr(SCRIPTED),
            base_url=server.base_url,
            transport_retries=0,
            backoff_base=0.0,
            cache_dir=None,
        )


def scripted_replies(data: Any) -> list[dict[str, Any] | str]:
    """Hand-written replies from a file's JSON: one reply object, a list of them, or a recording."""
    if isinstance(data, dict) and "entries" in data and "case" in data:
        return [entry["reply"] for entry in data["entries"]]
    if isinstance(data, list):
        return data
    return [data]
