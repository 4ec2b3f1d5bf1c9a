"""HAR 1.2 files in as recorded exchanges: signaltui's own exports and foreign captures.

- An entry with a ``_signaltui`` block was written by :class:`~signaltui.recordings.har.
  HarWriter`; it becomes exactly the exchange it came from (lossless round trip).
- Any other entry is traffic captured by some other tool (browser devtools, a proxy, HTTP
  Toolkit…). When its host and path are one of the CRM APIs it becomes an exchange
  *without an event* (``event`` is ``{}``, the capture is described under ``captured``):
  verify and send replays skip such exchanges (there is nothing to re-map), ``signaltui
  mock check`` replays their requests against the mocks. Other entries are skipped and
  counted.

Foreign captures hold live credentials, so every secret is removed before an exchange
leaves this module: the recording redaction (secret headers, secret keys in JSON, forms
and queries), and on top of it every secret value *harvested* from the whole file (auth
headers, Basic credentials decoded, cookies, secret query/form/JSON fields, OAuth codes)
is replaced wherever else it occurs, raw, URL-encoded or base64-encoded.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from signaltui.delivery.answers import answer_hint
from signaltui.delivery.outcomes import classify
from signaltui.errors import InputError, RecordingError
from signaltui.recordings.har import CODEC_KEY
from signaltui.recordings.har_fields import header_dict, request_text, response_text
from signaltui.recordings.har_secrets import harvest
from signaltui.recordings.model import FORMAT, Exchange
from signaltui.recordings.redact import redact_exchange

#: The CRM API hosts a capture is recognised by, and the path prefixes of their APIs.
API_PATHS: dict[str, tuple[str, tuple[str, ...]]] = {
    "api.apollo.io": ("apollo", ("/api/v1/", "/v1/")),
    "api.outreach.io": ("outreach", ("/api/v2/", "/oauth/token")),
    "api.close.com": ("close", ("/api/v1/",)),
}


@dataclass
class HarImport:
    """What an import made of a HAR file."""

    exchanges: list[Exchange] = field(default_factory=list)
    #: Entries written by signaltui (``_signaltui`` block), restored as they were.
    restored: int = 0
    #: Foreign entries to a CRM API, now exchanges without an event.
    captured: int = 0
    #: Foreign entries to other hosts, by host.
    other_hosts: Counter[str] = field(default_factory=Counter)
    #: Foreign entries to a CRM host but not to its API (e.g. a login page).
    other_paths: int = 0

    def describe(self) -> str:
        """One line for people: what was imported, what was skipped."""
        text = f"{len(self.exchanges)} exchange(s): {self.restored} from signaltui"
        text += f", {self.captured} captured without an event"
        skipped = sum(self.other_hosts.values())
        if skipped:
            hosts = ", ".join(f"{h} x{n}" for h, n in self.other_hosts.most_common())
            text += f"; skipped {skipped} entr{'y' if skipped == 1 else 'ies'} for other hosts"
            text += f" ({hosts})"
        if self.other_paths:
            text += f"; skipped {self.other_paths} outside the CRM APIs"
        return text


def read_har(path: Path) -> dict[str, Any]:
    """The parsed HAR document at ``path``; :class:`InputError` when it is not one."""
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise InputError(f"cannot read HAR file: {exc.strerror or exc}", where=str(path)) from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(
            f"not a HAR file: invalid JSON ({exc})",
            where=str(path),
            hint="export the capture as HAR (JSON) from your tool",
        ) from exc
    entries = data.get("log", {}).get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(
            "not a HAR file: no log.entries list",
            where=str(path),
            hint='a HAR file is a JSON object {"log": {"entries": [...]}}',
        )
    return data


def import_har(path: Path, secrets: Iterable[str] = ()) -> HarImport:
    """Every exchange of the HAR file at ``path``, redacted (``secrets``: configured ones)."""
    har = read_har(path)
    log = har["log"]
    result = HarImport()
    foreign = [e for e in log["entries"] if not _is_ours(e)]
    needles = [*secrets, *harvest(foreign)]
    creator = log.get("creator") if isinstance(log.get("creator"), dict) else {}
    tool = " ".join(str(creator.get(k, "")) for k in ("name", "version")).strip() or "unknown"
    entries: list[Exchange] = []
    for index, entry in enumerate(log["entries"]):
        where = f"{path}: log.entries[{index}]"
        if _is_ours(entry):
            entries.append(_restore(entry, where))
            result.restored += 1
            continue
        exchange = _captured(entry, index, tool, result, where)
        if exchange is not None:
            entries.append(exchange)
            result.captured += 1
    entries = _merge_without_request(entries, log.get("_signaltui"), str(path))
    for exchange in entries:
        redacted = redact_exchange(exchange, needles)
        assert isinstance(redacted, Exchange)
        result.exchanges.append(redacted)
    return result


def _is_ours(entry: Any) -> bool:
    block = entry.get("_signaltui") if isinstance(entry, dict) else None
    return isinstance(block, dict) and block.get("format") == FORMAT


def _decode(text: str | None, kind: str) -> Any:
    if kind == "none" or text is None:
        return None
    return text if kind == "text" else json.loads(text)


def _restore(entry: dict[str, Any], where: str) -> Exchange:
    """The exchange a signaltui HAR entry was written from."""
    data = dict(entry["_signaltui"])
    codec = data.pop(CODEC_KEY, {}) or {}
    try:
        request = entry["request"]
        post = request.get("postData") or {}
        data["request"] = {
            "method": request["method"],
            "url": request["url"],
            "headers": header_dict(request.get("headers")),
            "body": _decode(post.get("text"), codec.get("request_body", "none")),
        }
        data["response"] = None
        if codec.get("response", True):
            response = entry["response"]
            content = response.get("content") or {}
            data["response"] = {
                "status": response["status"],
                "headers": header_dict(response.get("headers")),
                "body": _decode(content.get("text"), codec.get("response_body", "none")),
                "latency_ms": entry.get("time", 0.0),
            }
        return Exchange.model_validate(data)
    except (KeyError, TypeError, AttributeError, ValueError, ValidationError) as exc:
        raise RecordingError(
            f"signaltui HAR entry is damaged: {exc}",
            where=where,
            hint="re-export it with `signaltui recordings export --format har`",
        ) from exc


def _merge_without_request(entries: list[Exchange], block: Any, where: str) -> list[Exchange]:
    """Put the exchanges kept outside ``entries`` (no request) back at their positions."""
    kept = block.get("without_request", []) if isinstance(block, dict) else []
    if not kept:
        return entries
    merged = list(entries)
    try:
        for item in sorted(kept, key=lambda k: int(k["position"])):
            data = {k: v for k, v in item.items() if k != "position"}
            merged.insert(int(item["position"]), Exchange.model_validate(data))
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise RecordingError(
            f"log._signaltui.without_request is damaged: {exc}", where=where
        ) from exc
    return merged


def _body(text: Any, mime: str) -> Any:
    """A captured body: parsed JSON when it is JSON, else the text as it was."""
    if not isinstance(text, str) or text == "":
        return None
    if "json" in mime.lower():
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _captured(entry: Any, index: int, tool: str, result: HarImport, where: str) -> Exchange | None:
    """A foreign entry to a CRM API as an exchange without an event (``None``: skipped)."""
    try:
        request = entry["request"]
        url, method = str(request["url"]), str(request["method"])
        response = entry.get("response") or {}
    except (KeyError, TypeError) as exc:
        raise InputError(
            f"not a HAR entry: missing {exc}", where=where, hint="entries need request.url"
        ) from exc
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    known = API_PATHS.get(host)
    if known is None:
        result.other_hosts[host or "(no host)"] += 1
        return None
    destination, prefixes = known
    if not parts.path.startswith(prefixes):
        result.other_paths += 1
        return None
    text, mime = request_text(request)
    status = response.get("status") if isinstance(response, dict) else None
    recorded_response = None
    outcome: str = "failed"
    hint: str | None = "the capture has no answer (status 0)"
    if isinstance(status, int) and status > 0:
        content = response.get("content") or {}
        recorded_response = {
            "status": status,
            "headers": header_dict(response.get("headers")),
            "body": _body(response_text(content), str(content.get("mimeType", ""))),
            "latency_ms": float(entry.get("time") or 0.0),
        }
        outcome, hint = classify(destination, status)
        if outcome == "rejected":
            hint = answer_hint(destination, status, recorded_response["body"]) or hint
    digest = hashlib.sha256(json.dumps(entry, sort_keys=True, default=str).encode()).hexdigest()
    return Exchange.model_validate(
        {
            "id": f"har-{digest[:24]}",
            "recorded_at": str(entry.get("startedDateTime") or ""),
            "destination": destination,
            "target": "live",
            "event": {},
            "decision": {"action": "deliver", "reason": None},
            "request": {
                "method": method,
                "url": url,
                "headers": header_dict(request.get("headers")),
                "body": _body(text, mime),
            },
            "response": recorded_response,
            "outcome": outcome,
            "attempts": 1,
            "hint": hint,
            "captured": {"source": "har", "tool": tool, "entry": index},
        }
    )
