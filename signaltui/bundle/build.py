"""Build a repro bundle from one stored delivery and the settings in force.

:func:`build_bundle` returns the bundle's files (name -> bytes) with PII hashed and
secrets removed; :func:`write_bundle` writes them as a private zip. Both are used by
``signaltui bundle`` and the terminal app's History tab.
"""

from __future__ import annotations

import json
import secrets as random
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from signaltui import __version__
from signaltui.bundle import layout
from signaltui.bundle.check import request_constants, self_check
from signaltui.bundle.hashing import PiiHasher
from signaltui.bundle.leaks import find_leaks
from signaltui.bundle.places import hash_json
from signaltui.config import Settings
from signaltui.errors import InputError
from signaltui.recordings import Exchange, RecordedDecision
from signaltui.recordings.redact import redact_exchange, scrub
from signaltui.replacement import Replacement
from signaltui.replay.results import model_json
from signaltui.store.models import DeliveryDetail
from signaltui.targets import is_loopback_url

#: Zip entries are private like every file holding lead data (rw for the owner only).
_PRIVATE = 0o100600 << 16


def build_bundle(
    detail: DeliveryDetail,
    settings: Settings,
    *,
    salt: bytes | None = None,
    now: datetime | None = None,
) -> dict[str, bytes]:
    """The files of the bundle of ``detail`` (name -> content), PII hashed, no secrets.

    ``salt`` is for tests; by default a fresh random one is made and forgotten. Raises
    :class:`InputError` if, against expectations, an original PII text or a configured
    secret is still in the content (nothing is written then).
    """
    secret_values = settings.credentials.secret_values()
    config = settings.mapping_config  # a bad blueprint fails here, before anything else
    hasher = PiiHasher(salt or random.token_bytes(32), config.default_region)
    merged = detail.event_row.merged or detail.event_row.raw
    for event in (merged, detail.event_row.raw):
        hasher.learn_event(event)
    parts = _parts(detail)
    hasher.learn_emails(parts)

    # Strings of the request that do not come from the lead stay as planned (a tag that
    # shares a word with the lead's company); see places.body_constants.
    keep = request_constants(merged, hash_json(hasher, merged), detail.destination, config)

    def safe(value: Any) -> Any:
        return scrub(hash_json(hasher, value, keep=keep), secret_values)

    hashed = {name: safe(value) for name, value in parts.items()}
    exchange = _exchange(detail, hashed, secret_values)
    files: dict[str, Any] = {
        "event.json": hashed["event"],
        "event-raw.json": hashed["event_raw"],
        "decision.json": hashed["decision"],
        "request.json": hashed["request"],
        "response.json": hashed["response"],
        "attempts.json": hashed["attempts"],
        "journal.json": _journal(detail.destination, detail.target, hashed["attempts"]),
        "verdict.json": hashed["verdict"],
        layout.CONFIG: scrub(config_in_force(settings), secret_values),
    }
    contents = {name: _json_bytes(value) for name, value in files.items()}
    contents[layout.RECORDING] = (exchange.model_dump_json(exclude_none=False) + "\n").encode()
    for name, text in overlay_files(settings.blueprints).items():
        contents[layout.BLUEPRINTS_DIR + name] = scrub(text, secret_values).encode()
    manifest = _manifest(detail, exchange, contents, now or datetime.now(UTC))
    manifest["check"] = self_check(exchange, config)
    contents = {layout.MANIFEST: _json_bytes(manifest), **contents}
    everywhere = hasher.originals(words=False)
    words = sorted(set(hasher.originals()) - set(everywhere))
    leaks = find_leaks(
        contents, everywhere, hasher.tokens(), secret_values, words=words,
        planned={text for _, text in keep},
    )  # fmt: skip
    if leaks:
        raise InputError(
            "refusing to write the bundle: private values would remain in "
            f"{', '.join(sorted(leaks))}",
            where=f"delivery-{detail.id}",
            hint="this is a bug in signaltui's hashing; please report it with the field names",
        )
    return contents


def write_bundle(path: Path, contents: dict[str, bytes]) -> None:
    """Write ``contents`` as a zip at ``path``: the file and every entry mode 0600.

    The zip is written next to ``path`` and moved over it only once complete, so an
    interrupted write leaves no half bundle. An unwritable path is an :class:`InputError`.
    """
    path = Path(path)
    try:
        with (
            Replacement(path, binary=True) as file,
            zipfile.ZipFile(file.handle, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            stamp = datetime.now(UTC).timetuple()[:6]
            for name, data in contents.items():
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.external_attr = _PRIVATE
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
    except OSError as exc:
        raise InputError(
            f"cannot write the bundle: {exc.strerror or exc}",
            where=str(path),
            hint="choose a path in a folder that exists and that you can write (-o FILE.zip)",
        ) from exc


def config_in_force(settings: Settings) -> dict[str, Any]:
    """The settings as a bundle keeps them: no credentials (only whether each was set),
    no local file paths (the store, the token cache), overlay files by name."""
    data = settings.model_dump(
        mode="json", exclude={"db", "token_file", "blueprints", *layout.SECRET_SETTINGS}
    )
    credentials = settings.credentials
    data["credentials"] = {
        name: layout.SECRET_MARKER if credentials.get(name) else None
        for name in layout.SECRET_SETTINGS
    }
    data["blueprints"] = list(overlay_files(settings.blueprints))
    return data


def overlay_files(paths: Iterable[Path]) -> dict[str, str]:
    """The blueprint overlay files ``paths`` name (files, or folders of ``*.yaml``), in
    order, as ``NN-name.yaml`` -> text."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        found.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    out: dict[str, str] = {}
    for number, file in enumerate(found, start=1):
        try:
            out[f"{number:02d}-{file.name}"] = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"cannot read blueprint overlay: {exc}", where=str(file), hint="check the path"
            ) from exc
    return out


def _parts(detail: DeliveryDetail) -> dict[str, Any]:
    """The delivery's pieces as plain JSON, before hashing."""
    verdict = {
        "delivery": f"delivery-{detail.id}",
        "destination": detail.destination,
        "target": detail.target,
        "mode": detail.mode,
        "action": detail.action,
        "outcome": detail.outcome,
        "reason": detail.reason,
        "hint": detail.hint,
        "response_status": detail.response_status,
        "attempt_count": detail.attempt_count,
        "retry_at": detail.retry_at,
        "created_at": detail.created_at,
        "finished_at": detail.finished_at,
    }
    return {
        "event": detail.event_row.merged or detail.event_row.raw,
        "event_raw": detail.event_row.raw,
        "decision": detail.decision,
        "request": model_json(detail.request),
        "response": model_json(detail.response),
        "attempts": [model_json(attempt) for attempt in detail.attempts],
        "verdict": verdict,
    }


def _exchange(detail: DeliveryDetail, hashed: dict[str, Any], secrets: list[str]) -> Exchange:
    """The hashed delivery as a recording line (the id names the delivery)."""
    decision = {
        k: v
        for k, v in hashed["decision"].items()
        if k in ("action", "reason", "warnings", "trace", "detail")
    }
    decision.setdefault("action", detail.action)
    exchange = Exchange(
        id=f"delivery-{detail.id}",
        recorded_at=detail.created_at,
        destination=detail.destination,
        target=detail.target,
        event=hashed["event"],
        decision=RecordedDecision.model_validate(decision),
        request=hashed["request"],
        response=hashed["response"],
        outcome=detail.outcome,
        attempts=detail.attempt_count,
        hint=hashed["verdict"]["hint"],
        retry_at=detail.retry_at,
    )
    return redact_exchange(exchange, secrets)


def _journal(destination: str, target: str, attempts: list[dict[str, Any]]) -> list[Any]:
    """The mock journal slice, rebuilt from the stored attempts (docs/bundles.md says why).

    Each entry has the fields ``GET /__mock/requests`` serves, plus ``attempt``. A live
    target has no mock journal: the list is empty.
    """
    if target != "mock" and not is_loopback_url(target):
        return []
    entries = []
    for attempt in attempts:
        request = attempt.get("request") or {}
        url = urlsplit(str(request.get("url", "")))
        response = attempt.get("response")
        entries.append(
            {
                "seq": attempt.get("number"),
                "attempt": attempt.get("number"),
                "crm": destination,
                "method": request.get("method"),
                "path": url.path,
                "query": url.query,
                "headers": request.get("headers", {}),
                "body": request.get("body"),
                "received_at": attempt.get("started_at"),
                "status": response.get("status") if isinstance(response, dict) else None,
                "fault": attempt.get("error"),
            }
        )
    return entries


def _manifest(
    detail: DeliveryDetail,
    exchange: Exchange,
    contents: dict[str, bytes],
    now: datetime,
) -> dict[str, Any]:
    overlays = [name for name in contents if name.startswith(layout.BLUEPRINTS_DIR)]
    files = {name: text for name, text in layout.FILES.items() if name != layout.BLUEPRINTS_DIR}
    files.update({name: "a blueprint overlay in force" for name in overlays})
    return {
        "format": layout.FORMAT,
        "version": layout.VERSION,
        "created_at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "signaltui_version": __version__,
        "delivery": exchange.id,
        "destination": detail.destination,
        "target": detail.target,
        "outcome": detail.outcome,
        "files": files,
        "pii": {"salt": layout.SALT_PURPOSE, "hashed": list(layout.HASHED_FIELDS)},
    }


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
