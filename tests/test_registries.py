"""The three registries (providers, output formats, rules live in test_rules.py) and the one
declaration of the LLM options, each the one place to add a thing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from gipr_llm.cli import LLM_OPTIONS, app
from gipr_llm.llm.config import LlmConfig, LlmConfigError
from gipr_llm.llm.openai_compat import OpenAICompatibleLLM
from gipr_llm.llm.providers import PROVIDERS, make_llm
from gipr_llm.render.formats import FORMATS, FormatError, choose, formats_for, open_output


def config(**overrides) -> LlmConfig:
    return LlmConfig(model="m", api_key=SecretStr("k"), base_url="http://127.0.0.1:9/v1", **overrides)


# --- providers ----------------------------------------------------------------------------


def test_the_openai_compatible_provider_is_the_default_row():
    assert set(PROVIDERS) >= {"openai"}
    llm = make_llm(config())
    assert isinstance(llm, OpenAICompatibleLLM) and llm.model == "m"


def test_an_unknown_provider_is_one_clear_error():
    with pytest.raises(LlmConfigError, match="未知的大模型提供方 'nope'"):
        make_llm(config(provider="nope"))


def test_the_provider_comes_from_the_environment():
    env = {"GIPR_MODEL": "m", "OPENAI_API_KEY": "k", "GIPR_PROVIDER": "openai"}
    assert LlmConfig.from_env(env).provider == "openai"


# --- output formats -------------------------------------------------------------------------


def test_every_command_kind_has_a_default_and_unique_names():
    for kind in ("reports", "check", "brief"):
        names = [f.name for f in formats_for(kind)]
        assert names and len(names) == len(set(names))
    assert len({(f.kind, f.name) for f in FORMATS}) == len(FORMATS)


@pytest.mark.parametrize(
    ("kind", "name", "output", "chosen"),
    [
        ("reports", None, None, "json"),
        ("reports", None, Path("x.jsonl"), "jsonl"),
        ("reports", "jsonl", Path("x.json"), "jsonl"),  # --format wins over the suffix
        ("check", None, Path("c.json"), "json"),
        ("check", None, Path("c.txt"), "text"),
        ("check", "JSON", None, "json"),
        ("brief", None, Path("b.docx"), "docx"),
        ("brief", None, None, "md"),
    ],
)
def test_formats_are_chosen_by_name_then_suffix(kind, name, output, chosen):
    assert choose(kind, name, output).name == chosen


def test_bad_formats_are_one_line_errors():
    with pytest.raises(FormatError, match="--format 只能是 text、json"):
        choose("check", "xml")
    with pytest.raises(FormatError, match=r"须为 \.md 或 \.docx"):
        choose("brief", None, Path("b.pdf"))


def test_a_failed_writer_leaves_the_old_file_as_it_was(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError), open_output(target) as out:
        out.write("half")
        raise RuntimeError("writer failed")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_the_jsonl_writer_writes_one_object_per_line(seed_paths):
    from gipr_llm.pipeline import read_report

    reports = [read_report(seed_paths[s]) for s in ("000", "001")]
    out = io.StringIO()
    choose("reports", "jsonl").write(reports, out, None)
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["meta"]["year"] for line in lines] == [r.meta.year for r in reports]


# --- the LLM options, declared once ---------------------------------------------------------


@pytest.mark.parametrize("command", ["extract", "check", "brief"])
def test_every_reading_command_takes_the_same_llm_options(command):
    result = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    for flag in ("--llm", "--no-llm", "--model", "--base-url", "--llm-mode", "--jobs"):
        assert flag in result.output, (command, flag)
    assert set(LLM_OPTIONS) == {"use_llm", "model", "base_url", "llm_mode", "no_cache", "jobs", "quiet"}


def test_an_llm_option_reaches_the_command(seed_paths, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = CliRunner().invoke(app, ["extract", "--llm", str(seed_paths["000"])])
    assert result.exit_code == 2 and "--llm 需要设置" in result.output
