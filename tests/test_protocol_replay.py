"""Golden record/replay for a provider that does not speak the OpenAI wire: recorded and
replayed at the provider protocol. The provider here is an in-process one registered for
the test (a registry row, as a native SDK provider would be); its replies are scripted."""

from __future__ import annotations

import shutil

import pytest
from pydantic import SecretStr

from gipr_llm.golden.recording import load_recording, record_case, replay_extract
from gipr_llm.golden.store import GoldenCase, GoldenError
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.fake import FakeLLM
from gipr_llm.llm.providers import PROVIDERS

REPLY = {
    "counts": [{"kind": "proactive_total", "value": 21, "unit": "条", "quote": "主动公开政府信息21条"}],
    "problems": [],
    "measures": [],
}
BUILT: list[str] = []


class InProcessProvider(FakeLLM):
    """Built from LlmConfig like any provider; answers every call with REPLY."""

    def __init__(self, config: LlmConfig) -> None:
        BUILT.append(config.model)
        super().__init__(reply=lambda _messages, _model: REPLY, model=config.model, mode=config.mode)


@pytest.fixture
def case(tmp_path, seed_paths, monkeypatch) -> GoldenCase:
    monkeypatch.setitem(PROVIDERS, "inproc", f"{__name__}:InProcessProvider")
    (tmp_path / "x").mkdir()
    shutil.copy(seed_paths["001"], tmp_path / "x" / "input.txt")
    BUILT.clear()
    return GoldenCase(root=tmp_path, name="x")


def config() -> LlmConfig:
    return LlmConfig(provider="inproc", model="native-model", api_key=SecretStr("k"), cache_dir=None)


def test_a_native_provider_is_recorded_and_replayed_without_it(case):
    recording = record_case(case, config())
    assert recording.provider == "inproc" and len(recording.calls) == 1 and recording.entries == []
    assert BUILT == ["native-model"]
    assert load_recording(case).calls[0].reply["counts"][0]["value"] == 21

    report = replay_extract(case)
    assert BUILT == ["native-model"]  # replay built no provider
    assert report.extraction.extractor == "llm"
    assert [(c.kind, c.value) for c in report.facts.counts if "llm" in c.extractor] == [("proactive_total", 21)]


def test_a_changed_report_has_no_recording_and_says_so(case):
    record_case(case, config())
    text = case.input_path.read_text(encoding="utf-8")
    case.input_path.write_text(text.replace("21条", "22条", 1), encoding="utf-8")
    with pytest.raises(GoldenError, match="没有录制"):
        replay_extract(case)
