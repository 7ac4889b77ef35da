"""LLM-written connecting prose, through the real openai client and instructor over real HTTP
to the project's scripted OpenAI-protocol server. Its replies are scripted, not model output:
they stand in for a model that writes good prose, and for one that slips in a wrong number."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from pydantic import SecretStr, ValidationError

from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.openai_compat import OpenAICompatibleLLM
from gipr_llm.llm.scripted_server import RecordedRequest, Reply, Script, ScriptedServer, Status, Step
from gipr_llm.pipeline import extract
from gipr_llm.pipeline.brief import run_brief
from gipr_llm.render.brief.llm_prose import prose_model, write_prose, write_prose_with_config
from gipr_llm.render.brief.markdown import to_markdown
from gipr_llm.render.brief.numbers import numbers_in
from gipr_llm.render.brief.run import checked_figures
from gipr_llm.render.brief.template import report_brief
from tests.conftest import SEEDS

GOOD = {
    "overview": (
        "北京市朝阳区政务服务管理局2020年全年新收政府信息公开申请271件，办结252件，予以公开和部分公开合计43件，"
        "占17.1%；被申请行政复议19件、被提起行政诉讼29件。统计表中“无法提供”一项数据待核实，需报告单位更正。"
    ),
    "assessment": "办理结果以“无法提供”为主，复议诉讼中有5件结果被纠正，建议加强答复说理和规范性，并督促核实更正统计数据。",
}
WRONG_NUMBER = {**GOOD, "overview": GOOD["overview"].replace("办结252件", "办结300件")}
CHINESE_NUMERAL = {**GOOD, "assessment": "复议诉讼中有二十件结果被纠正，建议加强答复说理。"}


@pytest.fixture
def brief_003():
    return report_brief(checked_figures([extract(SEEDS["003"])])[0])


@pytest.fixture
def serve() -> Iterator[Callable[..., ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(source) -> ScriptedServer:
        server = ScriptedServer(source).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def config(server: ScriptedServer, **overrides) -> LlmConfig:
    settings = {
        "model": "scripted-test-model",
        "api_key": SecretStr("sk-test-brief"),
        "base_url": server.base_url,
        "timeout": 5.0,
        "total_timeout": 20.0,
        "transport_retries": 0,
        "validation_retries": 1,
        "backoff_base": 0.01,
        "cache_dir": None,
    }
    settings.update(overrides)
    return LlmConfig.model_validate(settings)


def messages(request: RecordedRequest) -> str:
    return json.dumps(request.body["messages"], ensure_ascii=False)


def test_good_prose_is_accepted_into_the_slots(serve, brief_003):
    server = serve(Script([Reply(GOOD)]))
    template_overview = brief_003.slot_text("overview")
    outcome = write_prose(brief_003, OpenAICompatibleLLM(config(server)))
    assert outcome.used_llm and outcome.requests == 1
    assert outcome.prompt_id == "brief_v1" and len(outcome.prompt_sha256 or "") == 64
    assert outcome.usage.total_tokens > 0
    assert brief_003.slot_text("overview") == GOOD["overview"] != template_overview
    assert brief_003.slot_text("assessment") == GOOD["assessment"]
    assert brief_003.prose_by == "llm"
    sent = messages(server.completion_requests[0])
    assert "办结252件" in sent and "<report>" in sent  # the template brief is the material
    assert brief_003.figures.untraced(to_markdown(brief_003)) == []


def test_a_wrong_number_is_rejected_reasked_then_the_template_stays(serve, brief_003):
    server = serve(Script([Reply(WRONG_NUMBER), Reply(WRONG_NUMBER)]))
    before = to_markdown(brief_003)
    outcome = write_prose(brief_003, OpenAICompatibleLLM(config(server)))
    assert not outcome.used_llm
    assert len(server.completion_requests) == 2  # the first try and one re-ask
    reask = messages(server.completion_requests[1])
    assert "300" in reask and "简报初稿中没有的数字" in reask  # the validation error goes back
    assert "300" in (outcome.reason or "")
    assert to_markdown(brief_003) == before and brief_003.prose_by == "template"


def test_a_wrong_number_then_a_good_reply_is_accepted(serve, brief_003):
    server = serve(Script([Reply(WRONG_NUMBER), Reply(GOOD)]))
    outcome = write_prose(brief_003, OpenAICompatibleLLM(config(server)))
    assert outcome.used_llm and len(server.completion_requests) == 2
    assert "300" not in to_markdown(brief_003)


def test_the_validator_reads_chinese_numerals_and_full_width_digits(brief_003):
    allowed = frozenset(value for _, value in numbers_in(to_markdown(brief_003)))
    model = prose_model(allowed)
    model.model_validate(GOOD)
    with pytest.raises(ValidationError, match="二十"):
        model.model_validate(CHINESE_NUMERAL)
    with pytest.raises(ValidationError, match="３００"):
        model.model_validate({**GOOD, "overview": "全年办结３００件。"})
    with pytest.raises(ValidationError, match="Markdown"):
        model.model_validate({**GOOD, "overview": "## 导语\n全年办结252件。"})
    model.model_validate({**GOOD, "overview": "进一步统一规范答复，一是加强培训，二是完善制度。"})


def test_an_unreachable_endpoint_keeps_the_template(serve, brief_003):
    server = serve(Script([Status(401)]))
    before = to_markdown(brief_003)
    outcome = write_prose_with_config(brief_003, config(server))
    assert not outcome.used_llm and "401" in (outcome.reason or "")
    assert to_markdown(brief_003) == before


def test_cli_run_notes_the_fallback_on_stderr(serve, tmp_path):
    """The whole command with an LLM configured: narrative requests get a scripted 400 (the
    rules take over), the brief's prose request gets a wrong number twice."""
    brief_replies = Script([Reply(WRONG_NUMBER), Reply(WRONG_NUMBER)])

    def route(request: RecordedRequest) -> Step:
        if "文字秘书" in messages(request):
            return brief_replies(request)
        return Status(400, message="scripted: narrative not served in this test")

    server = serve(route)
    errors: list[str] = []
    output = tmp_path / "brief.md"
    code = run_brief([SEEDS["003"]], output, batch=False, llm=config(server), err=errors.append)
    assert code == 0
    assert any("已改用模板文字" in e and "300" in e for e in errors)
    text = output.read_text(encoding="utf-8")
    assert "办结300件" not in text and "办结252件" in text
    brief_requests = [r for r in server.completion_requests if "文字秘书" in messages(r)]
    assert len(brief_requests) == 2
