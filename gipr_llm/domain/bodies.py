"""Body identity: the canonical key of a printed body name, and a user's directory of bodies.

The printed name is never rewritten; ``body_key`` derives the key reports are grouped by:
NFKC (full-width and half-width forms alike), no spaces or punctuation, and the long form
of common abbreviations (「管委会」→「管理委员会」, 「区政府」→「区人民政府」, 「政府办」→
「政府办公室」). Two more matches need evidence and live elsewhere: a province/city prefix
(「北京市西城区…」 and 「西城区…」) is merged only within a batch where the rest matches
(``merge_prefixed``), and OCR look-alikes (沭/沐) only when another field of the same report
prints the other form (``fold_lookalikes``, used by parse.identity).

A user's directory (``--bodies FILE``, CSV or TOML) pins identities: a printed name or a
glob pattern → the canonical body, with region, level and parent body. Its canonical name
is used as the key verbatim: the user's mapping wins.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tomllib

# Abbreviation -> long form, applied to the squashed name in order.
_VARIANTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"管委会", "管理委员会"),
        (r"发改委", "发展和改革委员会"),
        (r"发改局", "发展和改革局"),
        (r"(?<=[省市区县旗州盟])政府", "人民政府"),
        (r"政府办(?!公|事)", "政府办公室"),
    )
)
# Characters OCR confuses, each folded to one representative (both are real characters:
# 沐川县 exists, so a fold is only ever evidence, never a correction on its own).
_LOOKALIKES = str.maketrans({"沐": "沭", "汩": "汨", "旴": "盱", "毫": "亳", "己": "已", "巳": "已"})
# A region prefix: one or more province/city names (北京市, 江苏省宿迁市, 内蒙古自治区…).
_REGION_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,7}?(?:省|自治区|特别行政区|市|自治州|地区|盟))+$")
# What remains after the prefix must itself start with a region name (西城区…, 沭阳县…).
_STARTS_WITH_REGION = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:区|县|市|旗|州|盟)")


def body_key(name: str) -> str:
    """The canonical key of a printed body name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZ")
    for pattern, repl in _VARIANTS:
        text = pattern.sub(repl, text)
    return text


def key_of(meta) -> str | None:
    """A report's body key: ``meta.body_key``, or the key of its printed name when a report
    was made without one (older JSON, hand-built reports)."""
    return meta.body_key or (body_key(meta.agency) if meta.agency else None)


def fold_lookalikes(key: str) -> str:
    return key.translate(_LOOKALIKES)


def is_region_prefix(text: str) -> bool:
    return bool(_REGION_PREFIX.match(text))


def merge_prefixed(keys: Iterable[str], pinned: Iterable[str] = ()) -> dict[str, str]:
    """Keys that are another key of the batch without its province/city prefix, mapped to it.

    「西城区人民政府办公室」 → 「北京市西城区人民政府办公室」 when the batch holds the longer
    one and no other longer key ends the same way (长春市朝阳区… and 北京市朝阳区… keep a
    bare 朝阳区… apart). Keys the user pinned are never merged.
    """
    distinct = sorted(set(keys), key=len)
    fixed = set(pinned)
    merged: dict[str, str] = {}
    for short in distinct:
        if short in fixed or not _STARTS_WITH_REGION.match(short):
            continue
        longer = [k for k in distinct if len(k) > len(short) and k.endswith(short)]
        longer = [k for k in longer if is_region_prefix(k[: -len(short)])]
        # 宿迁市沭阳县… inside 江苏省宿迁市沭阳县… is one candidate, not two.
        widest = [k for k in longer if not any(o != k and o.endswith(k) for o in longer)]
        if len(widest) == 1:
            merged[short] = widest[0]
    return merged


class BodiesFileError(Exception):
    """A --bodies file that cannot be used; ``str(err)`` is a one-line reason."""


@dataclass(frozen=True, slots=True)
class BodyEntry:
    body: str  # the canonical body name: used as the key verbatim
    names: tuple[str, ...]  # printed names or glob patterns (* ?) that mean this body
    region: str | None = None
    level: str | None = None
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class BodyDirectory:
    entries: tuple[BodyEntry, ...]

    def match(self, name: str, *, folded: bool = False) -> BodyEntry | None:
        """The entry naming ``name`` (exact key first, then patterns); with ``folded``,
        names equal up to OCR look-alikes match too."""
        key = body_key(name)
        norm = fold_lookalikes if folded else (lambda k: k)
        for entry in self.entries:
            if any(norm(body_key(n)) == norm(key) for n in (entry.body, *entry.names) if not _is_pattern(n)):
                return entry
        for entry in self.entries:
            for pattern in entry.names:
                if _is_pattern(pattern) and fnmatch.fnmatchcase(norm(key), norm(_pattern_key(pattern))):
                    return entry
        return None

    @property
    def keys(self) -> set[str]:
        return {entry.body for entry in self.entries}


def _is_pattern(name: str) -> bool:
    return "*" in name or "?" in name


def _pattern_key(pattern: str) -> str:
    """A glob pattern normalised like a name, its wildcards kept."""
    return "*".join("?".join(body_key(p) for p in part.split("?")) for part in pattern.split("*"))


def load_bodies(path: str | Path) -> BodyDirectory:
    """Read a CSV (columns name, body, region, level, parent) or TOML ([[body]] tables with
    body, names, region, level, parent) directory of bodies."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BodiesFileError(f"{p}: 单位对照表文件不存在 (bodies file not found)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BodiesFileError(
            f"{p}: 单位对照表无法读取，须为 UTF-8 文本 (cannot read bodies file: {exc})"
        ) from None
    entries = _from_toml(p, text) if p.suffix.lower() == ".toml" else _from_csv(p, text)
    if not entries:
        raise BodiesFileError(f"{p}: 单位对照表中没有任何单位 (no bodies in file)")
    return BodyDirectory(tuple(entries))


def _clean(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _from_csv(path: Path, text: str) -> list[BodyEntry]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {(f or "").strip() for f in reader.fieldnames or []}
    if not {"name", "body"} <= fields:
        raise BodiesFileError(
            f"{path}: CSV 首行须含 name,body 两列（可选 region,level,parent）(CSV header needs name,body)"
        )
    by_body: dict[str, dict[str, object]] = {}
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip(): v for k, v in row.items()}
        name, body = _clean(row.get("name")), _clean(row.get("body"))
        if not body:
            raise BodiesFileError(f"{path}:{number}: body 列为空 (empty body)")
        entry = by_body.setdefault(body, {"names": [], "region": None, "level": None, "parent": None})
        if name:
            entry["names"].append(name)  # type: ignore[union-attr]
        for field_name in ("region", "level", "parent"):
            entry[field_name] = entry[field_name] or _clean(row.get(field_name))
    return [
        BodyEntry(body, tuple(e["names"]), e["region"], e["level"], e["parent"])  # type: ignore[arg-type]
        for body, e in by_body.items()
    ]


def _from_toml(path: Path, text: str) -> list[BodyEntry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BodiesFileError(f"{path}: TOML 格式错误：{exc} (invalid TOML)") from None
    items = data.get("body")
    if not isinstance(items, list):
        raise BodiesFileError(f"{path}: TOML 须由 [[body]] 表组成 (TOML needs [[body]] tables)")
    out = []
    for index, item in enumerate(items, start=1):
        body = _clean(item.get("body")) if isinstance(item, dict) else None
        if not body:
            raise BodiesFileError(f"{path}: 第{index}个 [[body]] 缺少 body (missing body)")
        names = item.get("names", [])
        names = [names] if isinstance(names, str) else list(names)
        if item.get("name"):
            names.append(item["name"])
        out.append(
            BodyEntry(
                body,
                tuple(n for n in (_clean(x) for x in names) if n),
                _clean(item.get("region")),
                _clean(item.get("level")),
                _clean(item.get("parent")),
            )
        )
    return out
