"""LLM settings from the standard variables and CLI options; the key stays secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from gipr_llm.llm.config import LlmConfig, LlmConfigError

KEY = "sk-config-test-secret"
ENV = {
    "OPENAI_API_KEY": KEY,
    "GIPR_MODEL": "qwen-plus",
    "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
    "GIPR_LLM_MODE": "md_json",
    "GIPR_LLM_TIMEOUT": "12.5",
    "GIPR_CACHE_DIR": "/tmp/gipr-cache-test",
}


def test_from_env_reads_the_standard_variables():
    config = LlmConfig.from_env(ENV)
    assert config is not None
    assert (config.model, config.base_url, config.mode, config.timeout) == (
        "qwen-plus",
        "http://127.0.0.1:9/v1",
        "md_json",
        12.5,
    )
    assert config.cache_dir == Path("/tmp/gipr-cache-test")
    assert config.api_key.get_secret_value() == KEY


@pytest.mark.parametrize("missing", ["OPENAI_API_KEY", "GIPR_MODEL"])
def test_from_env_is_none_without_model_or_key(missing):
    env = {k: v for k, v in ENV.items() if k != missing}
    assert LlmConfig.from_env(env) is None


def test_key_is_never_serialised():
    config = LlmConfig.from_env(ENV)
    assert config is not None
    assert KEY not in repr(config) and KEY not in str(config)
    assert KEY not in config.model_dump_json() and "api_key" not in config.model_dump()


def test_options_override_the_environment():
    config = LlmConfig.from_options(
        model="deepseek-chat", mode="tools", base_url="http://127.0.0.1:8/v1", env=ENV
    )
    assert config is not None
    assert (config.model, config.mode, config.base_url) == ("deepseek-chat", "tools", "http://127.0.0.1:8/v1")


def test_cli_flags():
    assert LlmConfig.from_options(use_llm=False, env=ENV) is None  # --no-llm
    assert LlmConfig.from_options(env={}) is None  # neither flag, nothing configured: rules
    assert LlmConfig.from_options(env=ENV) is not None  # neither flag, configured: the LLM
    with pytest.raises(LlmConfigError, match="OPENAI_API_KEY"):
        LlmConfig.from_options(use_llm=True, model="m", env={})  # --llm without a key
    # A model given as an option is enough together with the key from the environment.
    assert LlmConfig.from_options(use_llm=True, model="m", env={"OPENAI_API_KEY": KEY}) is not None


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GIPR_LLM_MODE", "xml", "未知的大模型模式"),
        ("GIPR_LLM_TIMEOUT", "soon", "秒数"),
        ("GIPR_LLM_TIMEOUT", "-1", "正数"),
    ],
)
def test_bad_settings_are_one_line_errors(variable, value, message):
    with pytest.raises(LlmConfigError, match=message) as caught:
        LlmConfig.from_env({**ENV, variable: value})
    assert "\n" not in str(caught.value) and KEY not in str(caught.value)
