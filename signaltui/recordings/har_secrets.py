"""Secret values harvested from a foreign HAR capture, to be masked wherever they occur.

Recording redaction masks values by where they sit (a secret header, a secret-named
field). A capture of live traffic can hold the same credential elsewhere too: pasted
into a description, echoed by an API, inside a base64 ``Basic`` header. So every value
found in a secret place is collected here, across the whole file, and the importer then
replaces each one everywhere (raw, URL-encoded and base64-encoded, see ``redact.py``).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from signaltui.recordings.har_fields import header_dict, request_text, response_text
from signaltui.recordings.redact import _is_secret_header, _is_secret_key

#: Harvested values shorter than this are not searched for elsewhere (they would mask
#: ordinary words); where they sit under a secret name they are masked all the same.
MIN_HARVEST = 6


def harvest(entries: Iterable[Any]) -> list[str]:
    """Secret values found anywhere in foreign HAR ``entries``, to be masked everywhere."""
    found: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for part in ("request", "response"):
            section = entry.get(part)
            if isinstance(section, dict):
                _harvest_section(section, found)
    return sorted(s for s in found if len(s) >= MIN_HARVEST)


def _harvest_section(section: dict[str, Any], found: set[str]) -> None:
    for name, value in header_dict(section.get("headers")).items():
        if _is_secret_header(name):
            _harvest_header(name, value, found)
    for cookie in section.get("cookies") or []:
        if isinstance(cookie, dict) and cookie.get("value"):
            found.add(str(cookie["value"]))
    oauth = "/oauth/" in str(section.get("url", ""))
    query = urlsplit(str(section.get("url", ""))).query
    _harvest_pairs(parse_qsl(query, keep_blank_values=True), found, oauth)
    text, _ = request_text(section) if "postData" in section else (None, "")
    content = section.get("content")
    if isinstance(content, dict):
        text = response_text(content)
    if isinstance(text, str) and text:
        try:
            _harvest_json(json.loads(text), found, oauth)
        except ValueError:
            _harvest_pairs(parse_qsl(text, keep_blank_values=True), found, oauth)


def _harvest_header(name: str, value: str, found: set[str]) -> None:
    lowered = name.lower()
    if "cookie" in lowered:
        for pair in value.replace(",", ";").split(";"):
            _, _, cookie = pair.partition("=")
            if cookie.strip():
                found.add(cookie.strip())
        return
    scheme, _, credential = value.partition(" ")
    if not credential:
        found.add(value.strip())
        return
    found.add(credential.strip())
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return
        found.update(p for p in decoded.split(":", 1) if p)


def _secret_name(name: str, oauth: bool) -> bool:
    return _is_secret_key(name) or (oauth and name.lower() == "code")


def _harvest_pairs(pairs: Iterable[tuple[str, str]], found: set[str], oauth: bool) -> None:
    found.update(v for k, v in pairs if v and _secret_name(k, oauth))


def _harvest_json(value: Any, found: set[str], oauth: bool) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and item and _secret_name(str(key), oauth):
                found.add(item)
            else:
                _harvest_json(item, found, oauth)
    elif isinstance(value, list):
        for item in value:
            _harvest_json(item, found, oauth)
