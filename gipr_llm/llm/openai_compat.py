"""The OpenAI-compatible provider: the openai client + instructor, with tenacity retries.

Two retry layers, each for its own failure:

- transport (here, tenacity, around each HTTP request): 408/409/429/5xx, timeouts and
  dropped connections, exponential backoff from ``backoff_base`` (Retry-After /
  retry-after-ms honoured when the server sends one), never past the report's deadline.
  The openai client's own retries are off so only one layer counts and waits;
- validation (instructor's ``max_retries``): a reply that is not valid JSON or fails the
  response model (grounding included) is re-asked with the error.

The report's deadline (``total_timeout``) holds against a drip-feeding endpoint too: a
per-read timeout restarts with every byte, so the HTTP transport checks the deadline
between the body's chunks and gives up (as a timeout) once it has passed. The characters
of one request are capped (``GIPR_MAX_LLM_CHARS``): an oversized narrative is refused
before anything is sent, not sent once per retry.

Everything here is specific to openai/instructor; the core talks to ``protocol.StructuredLLM``.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorError, InstructorRetryException
from pydantic import ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from gipr_llm.domain.limits import Limits

try:  # openai 3 sends through httpx2 (a fork with httpx's API); earlier versions through httpx
    import httpx2 as httpx
except ImportError:  # pragma: no cover - depends on the installed openai
    import httpx  # type: ignore[no-redef]
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.protocol import CallStats, LlmCallError, LlmResult, T

log = logging.getLogger("gipr.llm")

_MODES = {"tools": instructor.Mode.TOOLS, "json": instructor.Mode.JSON, "md_json": instructor.Mode.MD_JSON}
# A 400 whose message says the endpoint cannot call tools (vLLM without --enable-auto-tool-choice,
# Ollama models without tool support, some compatible gateways).
_NO_TOOLS = re.compile(r"tool|function.?call|auto.?tool.?choice", re.IGNORECASE)
# Endpoints found not to take tools, for the rest of the process (the batch): (base URL, model).
_JSON_ONLY: set[tuple[str | None, str]] = set()
_MIN_REQUEST_SECONDS = 0.05  # less time than this left before the deadline: don't start a request


class DeadlineExceeded(Exception):
    """No time left for another request within the report's total_timeout."""


# The deadline of the request being sent, read by the transport (same thread: sync client).
_REQUEST_DEADLINE: ContextVar[float | None] = ContextVar("gipr_request_deadline", default=None)


class _DeadlineStream(httpx.SyncByteStream):
    """A response body that stops with a timeout once the request's deadline has passed."""

    def __init__(self, inner: httpx.SyncByteStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise httpx.ReadTimeout("report deadline passed while the reply was still arriving")
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _DeadlineTransport(httpx.HTTPTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        deadline = _REQUEST_DEADLINE.get()
        if deadline is not None and isinstance(response.stream, httpx.SyncByteStream):
            response.stream = _DeadlineStream(response.stream, deadline)
        return response


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return isinstance(exc, openai.APIConnectionError)  # includes APITimeoutError


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's requested wait, from retry-after-ms or Retry-After (seconds or a date)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class OpenAICompatibleLLM:
    """``StructuredLLM`` over any OpenAI-compatible chat-completions endpoint."""

    def __init__(self, config: LlmConfig, sleep: Callable[[float], None] = time.sleep) -> None:
        self.model = config.model
        self.base_url = config.base_url
        self.sampling = {"temperature": config.temperature}
        self._auto = config.mode == "auto"
        self.mode = self._resolved_mode(config)
        self.mode_note: str | None = None  # set when auto mode switched to json during a call
        self._config = config
        self._sleep = sleep
        self._secret = config.api_key.get_secret_value()
        self._openai = openai.OpenAI(
            api_key=self._secret,
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,  # tenacity below is the one transport retry layer
            http_client=openai.DefaultHttpxClient(transport=_DeadlineTransport()),
        )

    def _resolved_mode(self, config: LlmConfig) -> str:
        if config.mode != "auto":
            return config.mode
        return "json" if (config.base_url, config.model) in _JSON_ONLY else "tools"

    def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        *,
        before_last_attempt: Callable[[], None] = lambda: None,
    ) -> LlmResult[T]:
        try:
            return self._complete(messages, response_model, before_last_attempt)
        except LlmCallError as err:
            if not (self._auto and self.mode == "tools" and err.refused_tools):
                raise
            first = err.stats
        # auto: the endpoint refused tool calling; JSON mode from now on, said once.
        _JSON_ONLY.add((self.base_url, self.model))
        self.mode = "json"
        self.mode_note = "接口不支持函数调用（HTTP 400），已改用 JSON 模式 (--llm-mode auto: tools -> json)"
        log.warning("%s：%s", self.model, self.mode_note)
        try:
            result = self._complete(messages, response_model, before_last_attempt)
        except LlmCallError as again:
            again.stats.requests += first.requests
            raise
        result.stats.requests += first.requests
        return result

    def _complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        before_last_attempt: Callable[[], None],
    ) -> LlmResult[T]:
        config = self._config
        stats = CallStats()
        limit = Limits.from_env().llm_chars
        sent = sum(len(str(m.get("content") or "")) for m in messages)
        if sent > limit:
            raise LlmCallError(
                f"请求文字 {sent} 字，超出限制 GIPR_MAX_LLM_CHARS={limit}，未发送 (characters per request limit)",
                stats,
            )
        deadline = time.monotonic() + config.total_timeout
        attempts_allowed = config.validation_retries + 1
        attempt = 0

        def send(**kwargs: Any) -> Any:
            # instructor calls this once per attempt (first try and each re-ask).
            nonlocal attempt
            attempt += 1
            if attempt == attempts_allowed:
                before_last_attempt()
            response = self._request_with_retries(kwargs, stats, deadline)
            usage = getattr(response, "usage", None)
            if usage is not None:
                stats.add_usage(usage.prompt_tokens or 0, usage.completion_tokens or 0, usage.total_tokens)
            return response

        create = instructor.patch(create=send, mode=_MODES[self.mode])
        options: dict[str, Any] = {"model": config.model}
        if config.temperature is not None:
            options["temperature"] = config.temperature
        try:
            value = create(
                response_model=response_model,
                messages=messages,
                max_retries=config.validation_retries,
                strict=False,  # lax types ("21" for 21); grounding is the strict part
                **options,
            )
        except (InstructorError, openai.OpenAIError, DeadlineExceeded, ValidationError) as err:
            error = LlmCallError(self._redact(self._reason(err, stats)), stats)
            error.refused_tools = _refused_tools(err)
            raise error from None
        return LlmResult(value=value, stats=stats)

    def _request_with_retries(self, kwargs: dict[str, Any], stats: CallStats, deadline: float) -> Any:
        config = self._config

        def one_request() -> Any:
            remaining = deadline - time.monotonic()
            if remaining < _MIN_REQUEST_SECONDS:
                raise DeadlineExceeded
            stats.requests += 1
            token = _REQUEST_DEADLINE.set(deadline)
            try:
                return self._openai.chat.completions.create(**kwargs, timeout=min(config.timeout, remaining))
            finally:
                _REQUEST_DEADLINE.reset(token)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            hinted = retry_after_seconds(exc) if exc else None
            backoff = config.backoff_base * 2 ** (state.attempt_number - 1)
            chosen = min(config.backoff_max, hinted if hinted is not None else backoff)
            return max(0.0, min(chosen, deadline - time.monotonic()))

        def log_retry(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait_s = state.next_action.sleep if state.next_action else 0
            log.info("大模型请求失败（%s），%.2f 秒后重试", self._redact(_describe(exc)), wait_s)

        retrying = Retrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(config.transport_retries + 1),
            wait=wait,
            sleep=self._sleep,
            before_sleep=log_retry,
            reraise=True,
        )
        return retrying(one_request)

    def _reason(self, err: BaseException, stats: CallStats) -> str:
        cause = err
        if isinstance(err, InstructorRetryException) and err.__cause__ is not None:
            cause = err.__cause__
        sent = f"（共发送 {stats.requests} 次请求）"
        if isinstance(cause, DeadlineExceeded):
            return f"超过单份报告时限 {self._config.total_timeout:g} 秒{sent}"
        if isinstance(cause, openai.APITimeoutError):
            return f"请求超时（{self._config.timeout:g} 秒），重试后仍失败{sent}"
        if isinstance(cause, openai.APIConnectionError):
            return f"无法连接大模型服务或连接被中断，重试后仍失败{sent}"
        if isinstance(cause, openai.APIStatusError):
            hint = (
                "，请检查 OPENAI_API_KEY、OPENAI_BASE_URL 和 GIPR_MODEL"
                if cause.status_code in (401, 403, 404)
                else ""
            )
            retried = "，重试后仍失败" if is_transient(cause) else ""
            return f"大模型服务返回 HTTP {cause.status_code}{retried}{hint}{sent}"
        if isinstance(cause, IncompleteOutputException):
            return f"模型回复过长被截断{sent}"
        if isinstance(cause, ValidationError | json.JSONDecodeError) or isinstance(
            err, InstructorRetryException
        ):
            return f"模型回复经 {self._config.validation_retries + 1} 次尝试仍未通过校验：{_describe(cause)}{sent}"
        return f"大模型调用失败：{_describe(cause)}{sent}"

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text


def _refused_tools(err: BaseException) -> bool:
    cause = err.__cause__ if isinstance(err, InstructorRetryException) and err.__cause__ else err
    if not (isinstance(cause, openai.APIStatusError) and cause.status_code == 400):
        return False
    body = json.dumps(getattr(cause, "body", None), ensure_ascii=False) + str(cause.message)
    return bool(_NO_TOOLS.search(body))


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "未知错误"
    if isinstance(exc, ValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())) or exc.title
        message = "；".join(line.strip() for line in str(first.get("msg", exc)).splitlines() if line.strip())
        return f"{where}: {message[:200]}"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(exc, openai.APITimeoutError):
        return "请求超时"
    if isinstance(exc, openai.APIConnectionError):
        return "连接失败或中断"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__
