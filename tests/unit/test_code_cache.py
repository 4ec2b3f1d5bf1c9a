"""The compiled presets' code kept between runs (signaltui/blueprints/code_cache.py and
core/blueprints/portable.py): the same plans as compiling afresh, used only when it
matches this code and this Python, never when damaged or writable by someone else."""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path

import pytest

from signaltui.blueprints import code_cache, compiled, loader, preset_cache
from signaltui.blueprints.convert import parse_overlay
from signaltui.core.blueprints.portable import export_set, import_set
from signaltui.core.blueprints.registry import with_blueprints
from signaltui.core.config import MappingConfig
from signaltui.core.events import Event, resolve_stream
from signaltui.core.plan import plan
from tests.helpers import decide, track

DESTINATIONS = ("apollo", "outreach", "close")
SETTINGS = MappingConfig(
    close_lead_status_id="stat_1",
    close_custom_fields={"cf_plan": "properties.plan"},
    consent={"outreach": ["marketing", "sales"]},
    default_region="GB",
)

#: One overlay per destination, using every kind of generated code: alternatives,
#: nested and dear rules, constants (copied per request), copies, conditions of each
#: kind, checks, requirements, per-event fields and drops.
OVERLAYS = {
    "close": (
        "version: 1\ndestination: close\nextends: preset\n"
        "require:\n  - {from: traits.email, transform: [email], reason: missing_email}\n"
        "fields:\n"
        "  /x/0/tags: {value: [a, {b: [1, 2]}]}\n"
        "  /x/0/n: {value: 7, when: {source: properties.n, equals: 3}}\n"
        "  /x/0/f: {value: 1.5, when: {source: properties.f, equals: 2.5}}\n"
        "  /x/0/s: {value: yes, when: {source: properties.s, in: [a, b]}}\n"
        "  /x/0/p: {value: {k: v}, when: [{source: userId, present: true},"
        " {source: properties.gone, absent: true}]}\n"
        "  /who: {all: [traits.first_name, traits.lastName], transform: [join, 'truncate:5']}\n"
        "  /alt:\n"
        "    from: [{from: properties.mail, transform: [email], rule: mail},"
        " {value: [fallback]}, properties.name]\n"
        "  /tel: {from: [properties.tel, traits.phone], transform: [e164]}\n"
        "  /same: {copy: /tel}\n"
        "  /deep: {from: properties.a.b.0}\n"
        "  /url: drop\n"
        "checks:\n  - {missing: [/tel, /nothing], warn: 'missing: {missing}', after: /who}\n"
        "events:\n"
        "  Signed Up:\n    fields:\n      /plan: {from: properties.plan, transform: [scalar]}\n"
        "  Demo Requested: drop\n"
    ),
    "apollo": (
        "version: 1\ndestination: apollo\nextends: preset\n"
        "fields:\n  /title: {from: traits.title, transform: [strip, lower, 'truncate:4']}\n"
    ),
}

EVENTS = [
    track(),
    track("Signed Up", properties={"plan": 5, "n": 3, "f": 2.5, "s": "b", "a": {"b": ["z"]}}),
    track("Lead Submitted", properties={"mail": "not-an-email", "tel": "07700 900123"}),
    track("Lead Submitted", properties={"mail": "A@B.co", "n": True}, traits={"title": " CEO "}),
    track("Demo Requested"),
    track("Page Viewed", traits={"email": "nope", "phone": "12"}),
    {"type": "identify", "userId": "u-1", "traits": {"email": "x@y.z"}},
]


def _key(config: MappingConfig) -> str:
    import json

    return json.dumps(config.model_dump(mode="json", exclude={"base_urls"}), sort_keys=True)


def _contracts(config: MappingConfig) -> list[dict]:
    """Every decision's preview contract for :data:`EVENTS`, in order."""
    events = [Event.model_validate(event) for event in EVENTS]
    return [
        plan(resolved, destination, config).to_contract()
        for resolved in resolve_stream(events)
        for destination in DESTINATIONS
    ]


def _plans(config: MappingConfig) -> dict[str, dict]:
    """Plans with the presets as ``compiled_presets`` gives them (cache or not)."""
    compiled._by_settings.clear()
    config = MappingConfig.model_validate(config.model_dump())  # not compiled yet
    event = track(properties={"plan": "pro"})
    return {d: decide(event, d, config).to_contract() for d in DESTINATIONS}


@pytest.mark.parametrize("settings", [MappingConfig(), SETTINGS], ids=["defaults", "settings"])
def test_an_exported_set_plans_exactly_as_the_compiled_one(settings: MappingConfig) -> None:
    overlays = [parse_overlay(text, f"{d}.yaml") for d, text in OVERLAYS.items()]
    built = loader.compile_set(settings, overlays)
    again = import_set(marshal.loads(marshal.dumps(export_set(built))), lambda d: built[d].spec)
    assert set(again) == set(built)
    for destination in DESTINATIONS:
        assert again[destination].routes.keys() == built[destination].routes.keys()
        assert again[destination].mapped == built[destination].mapped
    expected = _contracts(with_blueprints(settings, built))
    assert _contracts(with_blueprints(settings, again)) == expected
    # Constants are copied per request: a body changed in place leaves the next alone.
    imported = with_blueprints(settings, again)
    first, second = (
        plan(
            next(resolve_stream([Event.model_validate(track("Lead Submitted"))])), "close", imported
        )
        for _ in range(2)
    )
    assert first.request is not None and second.request is not None
    first.request.body["x"][0]["tags"][1]["b"].append(3)
    assert second.request.body["x"][0]["tags"] == ["a", {"b": [1, 2]}]
    # An imported set exports again to the same data (code objects compare by content).
    assert export_set(again) == export_set(built)


def test_a_second_run_plans_from_the_code_cache_without_the_compiler(fresh: Path) -> None:
    first = _plans(SETTINGS)  # a miss: compiles, writes both files
    (code,) = fresh.glob("compiled-*.bin")
    assert len(list(fresh.glob("presets-*.json"))) == 1
    assert code.stat().st_mode & 0o077 == 0 and fresh.stat().st_mode & 0o077 == 0  # private
    key = _key(SETTINGS)
    asked: list[str] = []
    cached = code_cache.load(key, lambda d: asked.append(d) or loader.merged_specs(SETTINGS, ())[d])
    assert cached is not None and not asked  # the specs are not read to plan
    assert cached["close"].spec == loader.merged_specs(SETTINGS, ())["close"]
    assert asked == ["close"]
    assert _plans(SETTINGS) == first


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"garbage, not a cache file",
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),
        lambda raw: b"",
    ],
    ids=["garbage", "truncated", "altered", "empty"],
)
def test_a_damaged_code_file_is_ignored_and_rewritten(fresh: Path, damage) -> None:
    expected = _plans(MappingConfig())
    (path,) = fresh.glob("compiled-*.bin")
    good = path.read_bytes()
    path.write_bytes(damage(good))
    assert code_cache.load(_key(MappingConfig()), lambda d: None) is None  # type: ignore[arg-type,return-value]
    assert _plans(MappingConfig()) == expected
    # Rebuilt (marshal's bytes may differ from run to run, its data does not).
    rebuilt, before = preset_cache.checked_body(path.read_bytes()), preset_cache.checked_body(good)
    assert rebuilt is not None and before is not None
    assert marshal.loads(rebuilt) == marshal.loads(before)
    assert not list(fresh.glob(".presets-*"))


def test_well_formed_data_of_the_wrong_shape_is_ignored(fresh: Path) -> None:
    import hashlib

    _plans(MappingConfig())
    (path,) = fresh.glob("compiled-*.bin")
    for data in ((), ((), ()), (((1, 2),), ()), ((), (("apollo",),))):
        body = marshal.dumps(data)
        path.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        os.chmod(path, 0o600)
        assert code_cache.load(_key(MappingConfig()), lambda d: None) is None  # type: ignore[arg-type,return-value]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
@pytest.mark.parametrize("target", ["file", "folder"])
def test_a_file_others_could_have_written_is_not_used(fresh: Path, target: str) -> None:
    expected = _plans(MappingConfig())
    (path,) = fresh.glob("compiled-*.bin")
    os.chmod(path if target == "file" else fresh, 0o777 if target == "folder" else 0o666)
    assert code_cache.load(_key(MappingConfig()), lambda d: None) is None  # type: ignore[arg-type,return-value]
    assert _plans(MappingConfig()) == expected  # compiled afresh instead


def test_the_code_file_follows_the_compiler_and_the_python(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _key(MappingConfig())
    first = code_cache.cache_path(fresh, key)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert code_cache.cache_path(fresh, key) != first
    monkeypatch.undo()
    assert code_cache.cache_path(fresh, key) == first
    for source in ("blueprints/codegen.py", "blueprints/steps.py", "fields.py"):
        path = preset_cache.CORE / source
        before = path.stat()
        try:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
            assert code_cache.cache_path(fresh, key) != first, source
        finally:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert code_cache.cache_path(fresh, key) == first


def test_a_blueprint_with_a_value_marshal_cannot_keep_is_compiled_but_not_cached(
    fresh: Path,
) -> None:
    import datetime

    overlays = [parse_overlay(OVERLAYS["apollo"], "apollo.yaml")]
    built = dict(loader.compile_set(MappingConfig(), overlays))
    route = next(r.build for r in built["apollo"].routes.values() if r.build is not None)
    from signaltui.core.blueprints.portable import RECIPES

    odd = {**getattr(route, RECIPES), "c_99": ("value", datetime.date.today())}
    setattr(route, RECIPES, odd)
    code_cache.store(_key(MappingConfig()), built)
    assert not fresh.exists() or not list(fresh.glob("compiled-*.bin"))


def test_a_type_with_no_recipe_is_not_exported() -> None:
    from signaltui.core.blueprints.portable import type_recipe

    assert type_recipe(int) == ("type", "int")
    assert type_recipe(bool)[0] == "unportable"
    import datetime

    assert type_recipe(datetime.date)[0] == "unportable"


def test_an_off_cache_writes_no_code_file(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALTUI_CACHE_DIR", "")
    assert _plans(MappingConfig())["close"]["request"]["body"]["name"]
    assert not fresh.exists()


def test_preview_with_the_code_cached_loads_neither_the_compiler_nor_the_specs(
    tmp_path: Path,
) -> None:
    import subprocess

    from tests.helpers import FIXTURES, ROOT

    code = (
        "import sys\n"
        "from signaltui.cli import main\n"
        f"sys.argv = ['signaltui', 'preview', {str(FIXTURES / 'events' / 'demo-requested.json')!r},"
        " '--json']\n"
        "try:\n"
        "    main(prog_name='signaltui')\n"
        "except SystemExit:\n"
        "    pass\n"
        "names = ('engine', 'spec', 'codegen', 'route')\n"
        "print(sorted(n for n in names if 'signaltui.core.blueprints.' + n in sys.modules),"
        " file=sys.stderr)\n"
    )
    env = {**os.environ, "SIGNALTUI_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        for _ in range(2)
    ]
    assert runs[0].stderr.strip().splitlines()[-1] == "['codegen', 'engine', 'route', 'spec']"
    assert runs[1].stderr.strip().splitlines()[-1] == "[]"
    assert runs[0].stdout == runs[1].stdout and '"destination":"close"' in runs[1].stdout
