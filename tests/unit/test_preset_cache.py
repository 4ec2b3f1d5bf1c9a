"""The merged presets kept between runs (signaltui/blueprints/preset_cache.py): used only
when they match the preset files, rebuilt when stale or damaged, the same plans either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from signaltui.blueprints import compiled, loader, preset_cache
from signaltui.core.blueprints.spec import ValueSpec
from signaltui.core.config import MappingConfig
from tests.helpers import decide, track

CONFIGS = {
    "defaults": MappingConfig(),
    "settings": MappingConfig(
        close_lead_status_id="stat_1",
        close_custom_fields={"cf_plan": "properties.plan"},
        apollo_dedupe=False,
        consent={"outreach": ["marketing", "sales"]},
        default_region="GB",
    ),
}


def _key(config: MappingConfig) -> str:
    import json

    return json.dumps(config.model_dump(mode="json", exclude={"base_urls"}), sort_keys=True)


def _plans(config: MappingConfig) -> dict[str, dict]:
    """Every destination's preview contract (body and trace) for one full event."""
    compiled._by_settings.clear()
    config = MappingConfig.model_validate(config.model_dump())  # not compiled yet
    event = track(properties={"plan": "pro"})
    return {d: decide(event, d, config).to_contract() for d in ("apollo", "outreach", "close")}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_cache_holds_exactly_what_the_yaml_gives(name: str, fresh: Path) -> None:
    config = CONFIGS[name]
    from_yaml = loader.merged_specs(config, ())
    assert preset_cache.load(_key(config)) is None  # nothing yet
    planned_first = _plans(config)  # a miss: reads YAML, writes the cache
    assert len(list(fresh.glob("presets-*.json"))) == 1
    assert preset_cache.load(_key(config)) == from_yaml
    assert _plans(config) == planned_first  # a hit gives the same plans, traces included


def test_trace_rows_from_the_cache_still_name_the_preset_line(fresh: Path) -> None:
    _plans(MappingConfig())
    loader.presets.cache_clear()
    cached = preset_cache.load(_key(MappingConfig()))
    assert cached is not None
    marks = [f.at for f in cached["close"].fields]
    assert marks and all(m.startswith("presets/close.yaml:") for m in marks)
    trace = _plans(MappingConfig())["close"]["trace"]
    assert any(str(row.get("at", "")).startswith("presets/close.yaml:") for row in trace)


def test_each_setting_has_its_own_file(fresh: Path) -> None:
    for config in CONFIGS.values():
        _plans(config)
    assert len(list(fresh.glob("presets-*.json"))) == len(CONFIGS)
    assert preset_cache.load(_key(CONFIGS["settings"])) != preset_cache.load(_key(MappingConfig()))


def test_an_edited_preset_is_not_served_from_the_cache(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _plans(MappingConfig())
    assert "title" in before["close"]["request"]["body"]["contacts"][0]
    real = preset_cache.preset_text

    def edited(destination: str) -> str:
        text = real(destination)  # type: ignore[arg-type]
        if destination == "close":
            # The Close contact's title now comes from a property instead of the trait.
            assert "traits.title" in text
            text = text.replace("traits.title", "properties.plan")
        return text

    monkeypatch.setattr(preset_cache, "preset_text", edited)
    monkeypatch.setattr(loader, "preset_text", edited)
    loader.presets.cache_clear()
    after = _plans(MappingConfig())
    assert after["close"]["request"]["body"]["contacts"][0]["title"] == "pro"
    assert after["apollo"] == before["apollo"]
    assert len(list(fresh.glob("presets-*.json"))) == 2  # a new file for the new text


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"garbage, not a cache file",
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: raw.replace(b"presets/close.yaml:", b"presets/close.yaml:9", 1),  # a flip
        lambda raw: b"",
    ],
    ids=["garbage", "truncated", "altered", "empty"],
)
def test_a_damaged_cache_file_is_ignored_and_rewritten(fresh: Path, damage) -> None:
    expected = _plans(MappingConfig())
    (path,) = fresh.glob("presets-*.json")
    good = path.read_bytes()
    path.write_bytes(damage(good))
    assert preset_cache.load(_key(MappingConfig())) is None
    for code in fresh.glob("compiled-*.bin"):  # so the presets are read (test_code_cache.py)
        code.unlink()
    assert _plans(MappingConfig()) == expected
    assert path.read_bytes() == good  # rebuilt
    assert not list(fresh.glob(".presets-*"))  # no temporary file left


def test_a_well_formed_file_of_the_wrong_shape_is_ignored(fresh: Path) -> None:
    import hashlib

    _plans(MappingConfig())
    (path,) = fresh.glob("presets-*.json")
    for body in (b"[1, 2]", b'{"@": "NoSuchClass"}', b'{"{": [["apollo", 1]]}'):
        path.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        assert preset_cache.load(_key(MappingConfig())) is None


def test_values_json_cannot_carry_exactly_are_not_cached(fresh: Path) -> None:
    specs = loader.merged_specs(MappingConfig(), ())
    field = specs["close"].fields[0]
    odd = field.__class__(**{**field.__dict__, "value": ValueSpec("value", constant={1, 2})})
    specs["close"] = specs["close"].__class__(
        **{**specs["close"].__dict__, "fields": (odd, *specs["close"].fields[1:])}
    )
    preset_cache.store("odd", specs)
    assert not fresh.exists() or not list(fresh.glob("presets-*.json"))


def test_an_empty_cache_dir_setting_turns_the_cache_off(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALTUI_CACHE_DIR", "")
    expected = loader.merged_specs(MappingConfig(), ())
    _plans(MappingConfig())
    assert preset_cache.cache_dir() is None
    assert not fresh.exists()
    assert compiled._by_settings  # it still planned, from the YAML
    assert preset_cache.load(_key(MappingConfig())) is None
    assert loader.merged_specs(MappingConfig(), ()) == expected


def test_an_unwritable_cache_folder_is_no_error(fresh: Path, monkeypatch) -> None:
    fresh.parent.mkdir(exist_ok=True)
    blocker = fresh.parent / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SIGNALTUI_CACHE_DIR", str(blocker / "cache"))  # below a file
    assert _plans(MappingConfig())["close"]["request"]["body"]["name"]


def test_concurrent_writers_leave_one_whole_file(fresh: Path) -> None:
    import threading

    key = _key(MappingConfig())
    specs = loader.merged_specs(MappingConfig(), ())
    seen: list[object] = []

    def write_and_read() -> None:
        for _ in range(5):
            preset_cache.store(key, specs)
            seen.append(preset_cache.load(key))

    threads = [threading.Thread(target=write_and_read) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 30 and all(found == specs for found in seen)  # never half a file
    assert len(list(fresh.glob("presets-*.json"))) == 1
    assert not list(fresh.glob(".presets-*"))


def test_a_new_version_or_an_edited_loader_uses_another_file(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import signaltui

    key = _key(MappingConfig())
    first = preset_cache.cache_path(fresh, key)
    version = signaltui.__version__
    monkeypatch.setattr(signaltui, "__version__", "99.0")
    assert preset_cache.cache_path(fresh, key) != first
    monkeypatch.setattr(signaltui, "__version__", version)
    merge_source = Path(loader.__file__).with_name("merge.py")
    before = merge_source.stat()
    try:
        os.utime(merge_source, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
        assert preset_cache.cache_path(fresh, key) != first
    finally:
        os.utime(merge_source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert preset_cache.cache_path(fresh, key) == first
