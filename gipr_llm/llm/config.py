"""LLM client settings: the standard OpenAI variables, the project's own, and CLI options.

Any OpenAI-compatible endpoint works (OpenAI, DeepSeek, Qwen in DashScope compatible mode,
vLLM, Ollama). Local servers that ignore the key still need OPENAI_API_KEY set to something.
The key is a ``SecretStr``: it prints as ``**********`` and is excluded from serialisation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

LlmMode = Literal["auto", "tools", "json", "md_json"]
LLM_MODES: tuple[str, ...] = ("auto", "tools", "json", "md_json")


def default_cache_dir() -> Path:
    """The user's cache directory (~/.cache/gipr-llm on Linux), never the working directory."""
    return Path(platformdirs.user_cache_dir("gipr-llm", appauthor=False)) / "llm"


class LlmConfigError(ValueError):
    """A setting that cannot be used; ``str(err)`` is a one-line reason."""


class LlmConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: str = Field(
        "openai",
        description="Provider in the registry (GIPR_PROVIDER); openai = any OpenAI-compatible endpoint",
    )
    model: str = Field(description="Model name sent to the endpoint (GIPR_MODEL)")
    api_key: SecretStr = Field(exclude=True, repr=False, description="OPENAI_API_KEY; never serialised")
    base_url: str | None = Field(None, description="OPENAI_BASE_URL; None means the OpenAI default")
    mode: LlmMode = Field(
        "auto",
        description="instructor mode: auto (tools, switching to json once when the endpoint refuses tools), "
        "tools (function calling), json, md_json (JSON in a code block)",
    )
    timeout: float = Field(60.0, gt=0, description="Seconds for one HTTP request (GIPR_LLM_TIMEOUT)")
    total_timeout: float = Field(
        300.0, gt=0, description="Seconds for all requests of one report (GIPR_LLM_TOTAL_TIMEOUT)"
    )
    transport_retries: int = Field(
        4, ge=0, description="Retries after 429, 5xx, timeouts, dropped connections"
    )
    validation_retries: int = Field(2, ge=0, description="instructor re-asks after a reply fails validation")
    backoff_base: float = Field(1.0, ge=0, description="First backoff wait in seconds; doubles per retry")
    backoff_max: float = Field(30.0, ge=0, description="Longest single wait, Retry-After included")
    temperature: float | None = Field(0.0, description="None: not sent (for models that refuse it)")
    cache_dir: Path | None = Field(
        default_factory=default_cache_dir,
        description="Response cache (GIPR_CACHE_DIR); None: off (--no-cache)",
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> LlmConfig | None:
        """Settings from the environment; None when GIPR_MODEL or OPENAI_API_KEY is not set."""
        env = os.environ if env is None else env
        model = overrides.pop("model", None) or env.get("GIPR_MODEL")
        key = env.get("OPENAI_API_KEY")
        if not model or not key:
            return None
        settings: dict[str, object] = {"model": model, "api_key": SecretStr(key)}
        if base_url := env.get("OPENAI_BASE_URL"):
            settings["base_url"] = base_url
        if provider := env.get("GIPR_PROVIDER"):
            settings["provider"] = provider
        if mode := env.get("GIPR_LLM_MODE"):
            settings["mode"] = _mode(mode)
        for name, variable in (("timeout", "GIPR_LLM_TIMEOUT"), ("total_timeout", "GIPR_LLM_TOTAL_TIMEOUT")):
            if raw := env.get(variable):
                settings[name] = _seconds(variable, raw)
        if cache_dir := env.get("GIPR_CACHE_DIR"):
            settings["cache_dir"] = Path(cache_dir)
        settings.update({name: value for name, value in overrides.items() if value is not None})
        if isinstance(settings.get("mode"), str):
            settings["mode"] = _mode(str(settings["mode"]))
        try:
            return cls.model_validate(settings)
        except ValidationError as err:
            problem = err.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise LlmConfigError(f"大模型设置 {where} 无效：{problem['msg']} (invalid LLM setting)") from None

    @classmethod
    def from_options(
        cls,
        use_llm: bool | None = None,
        model: str | None = None,
        base_url: str | None = None,
        mode: str | None = None,
        timeout: float | None = None,
        cache_dir: Path | None = None,
        env: Mapping[str, str] | None = None,
        no_cache: bool = False,
    ) -> LlmConfig | None:
        """The CLI's choice: options override the environment.

        ``use_llm`` False (--no-llm): None. None (neither flag): the LLM when configured.
        True (--llm): the LLM, or ``LlmConfigError`` naming what is missing.
        """
        if use_llm is False:
            return None
        env = os.environ if env is None else env
        config = cls.from_env(
            env, model=model, base_url=base_url, mode=mode, timeout=timeout, cache_dir=cache_dir
        )
        if config is not None and no_cache:
            config = config.model_copy(update={"cache_dir": None})
        if config is None and use_llm:
            missing = [
                name
                for name, present in (
                    ("GIPR_MODEL 或 --model", model or env.get("GIPR_MODEL")),
                    ("OPENAI_API_KEY", env.get("OPENAI_API_KEY")),
                )
                if not present
            ]
            raise LlmConfigError(f"--llm 需要设置 {'、'.join(missing)} (LLM requested but not configured)")
        return config


def _mode(raw: str) -> str:
    mode = raw.strip().lower().replace("-", "_")
    if mode not in LLM_MODES:
        raise LlmConfigError(f"未知的大模型模式 {raw!r}，可选 {', '.join(LLM_MODES)} (unknown LLM mode)")
    return mode


def _seconds(variable: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise LlmConfigError(f"{variable} 应为秒数，实际为 {raw!r} (not a number)") from None
    if value <= 0:
        raise LlmConfigError(f"{variable} 应为正数，实际为 {raw!r} (must be positive)")
    return value
