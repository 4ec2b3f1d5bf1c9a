"""Reading the parts of a HAR entry signaltui needs: headers, request and response text."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import urlencode


def header_dict(items: Any) -> dict[str, str]:
    """HAR's header list as one dict; repeats joined as HTTP allows, HTTP/2 pseudo-headers
    (``:authority``…) left out."""
    merged: dict[str, str] = {}
    for item in items if isinstance(items, list) else []:
        name, value = str(item.get("name", "")), str(item.get("value", ""))
        if not name or name.startswith(":"):
            continue
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


def request_text(request: dict[str, Any]) -> tuple[Any, str]:
    post = request.get("postData") or {}
    mime = str(post.get("mimeType", ""))
    if "text" in post:
        return post["text"], mime
    params = post.get("params")
    if isinstance(params, list) and params:
        pairs = [(str(p.get("name", "")), str(p.get("value", ""))) for p in params]
        return urlencode(pairs), mime or "application/x-www-form-urlencoded"
    return None, mime


def response_text(content: dict[str, Any]) -> Any:
    text = content.get("text")
    if isinstance(text, str) and content.get("encoding") == "base64":
        try:
            return base64.b64decode(text).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None  # binary: nothing a CRM API answer would be
    return text
