"""Body keys (normalised, never rewritten) and the user's --bodies directory (CSV and TOML)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gipr_llm.domain.bodies import BodiesFileError, body_key, fold_lookalikes, load_bodies, merge_prefixed
from gipr_llm.pipeline import read_report
from tests.conftest import seed_text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("北京市西城区信访办公室", "北京市西城区 信访办公室"),  # spaces
        ("北京市西城区（信访办公室）", "北京市西城区(信访办公室)"),  # full/half width
        ("苏州工业园区管委会", "苏州工业园区管理委员会"),
        ("西城区政府办公室", "西城区人民政府办公室"),
        ("沭阳县政府办", "沭阳县人民政府办公室"),
    ],
)
def test_variants_share_a_key(a: str, b: str) -> None:
    assert body_key(a) == body_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("北京市西城区人民政府", "北京市西城区人民政府办公室"),  # 本级政府 and its 办公室 are two bodies
        ("沭阳县发展和改革局", "沐阳县发展和改革局"),  # a look-alike alone is no evidence
    ],
)
def test_different_bodies_keep_different_keys(a: str, b: str) -> None:
    assert body_key(a) != body_key(b)


def test_lookalikes_fold_together_for_evidence_only() -> None:
    assert fold_lookalikes(body_key("沐阳县发展和改革局")) == fold_lookalikes(body_key("沭阳县发展和改革局"))


def test_region_prefix_merged_only_when_the_rest_matches() -> None:
    keys = ["北京市西城区信访办公室", "西城区信访办公室", "东城区信访办公室", "信访办公室"]
    assert merge_prefixed(keys) == {"西城区信访办公室": "北京市西城区信访办公室"}
    # Two cities with a 朝阳区: the bare name is ambiguous and stays apart.
    ambiguous = ["北京市朝阳区民政局", "长春市朝阳区民政局", "朝阳区民政局"]
    assert merge_prefixed(ambiguous) == {}
    assert merge_prefixed(["江苏省宿迁市沭阳县财政局", "宿迁市沭阳县财政局", "沭阳县财政局"]) == {
        "宿迁市沭阳县财政局": "江苏省宿迁市沭阳县财政局",
        "沭阳县财政局": "江苏省宿迁市沭阳县财政局",
    }
    assert merge_prefixed(["北京市西城区信访办公室", "西城区信访办公室"], pinned=["西城区信访办公室"]) == {}


CSV = """name,body,region,level,parent
西城区信访办,北京市西城区信访办公室,北京市西城区,区级,北京市西城区人民政府
*东城区*政务服务*,北京市东城区政务服务管理局,北京市东城区,区级,
"""

TOML = """
[[body]]
body = "沭阳县发展和改革局"
names = ["沭阳县发改局", "*沭阳*发展*改革*"]
region = "江苏省宿迁市沭阳县"
level = "县级"
parent = "沭阳县人民政府"
"""


def test_csv_directory_names_and_patterns(tmp_path: Path) -> None:
    path = tmp_path / "bodies.csv"
    path.write_text(CSV, encoding="utf-8")
    bodies = load_bodies(path)
    entry = bodies.match("西城区 信访办")
    assert entry is not None and (entry.body, entry.level) == ("北京市西城区信访办公室", "区级")
    assert bodies.match("北京市东城区政务服务管理局").body == "北京市东城区政务服务管理局"  # type: ignore[union-attr]
    assert bodies.match("北京市东城区政务服务管理局(东城区政务服务中心)") is not None
    assert bodies.match("北京市朝阳区政务服务管理局") is None


def test_toml_directory_and_lookalike_only_when_folded(tmp_path: Path) -> None:
    path = tmp_path / "bodies.toml"
    path.write_text(TOML, encoding="utf-8")
    bodies = load_bodies(path)
    assert bodies.match("沭阳县发改局").parent == "沭阳县人民政府"  # type: ignore[union-attr]
    assert bodies.match("沐阳县发改局") is None
    assert bodies.match("沐阳县发改局", folded=True) is not None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "名称,单位\nx,y\n", "name,body"),
        ("b.toml", "[[body]]\nnames = ['x']\n", "缺少 body"),
        ("c.toml", "body = [", "TOML 格式错误"),
        ("d.csv", "name,body\n", "没有任何单位"),
    ],
)
def test_bad_directory_is_one_clear_line(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BodiesFileError, match=message) as err:
        load_bodies(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_directory_pins_the_key_and_keeps_the_printed_name(tmp_path: Path) -> None:
    path = tmp_path / "bodies.toml"
    path.write_text(TOML, encoding="utf-8")
    report_path = tmp_path / "r.txt"
    text = seed_text("002").replace("北京市东城区政务服务管理局", "沐阳县发改局")
    report_path.write_text(text, encoding="utf-8")
    from gipr_llm.pipeline.extract import read_report as read

    report = read(report_path, bodies=load_bodies(path))
    assert report.meta.agency == "沐阳县发改局"  # printed name kept
    assert (report.meta.body_key, report.meta.body_source) == ("沭阳县发展和改革局", "bodies-file")
    assert (report.meta.region, report.meta.level, report.meta.parent_body) == (
        "江苏省宿迁市沭阳县",
        "县级",
        "沭阳县人民政府",
    )
    assert any(f.rule == "META-AGENCY-CONFLICT" and "单位对照表" in f.message for f in report.findings)
    plain = read_report(report_path)
    assert (plain.meta.body_key, plain.meta.body_source) == ("沐阳县发展和改革局", "name")
