"""Salted, consistent hashing of a lead's PII throughout one repro bundle.

A bundle must reproduce a delivery without carrying the lead's identity. Every piece of
PII found in the event is replaced throughout the bundle (event, request, response,
attempts, journal, warnings, hints; name words only where the lead's data goes, see
:mod:`signaltui.bundle.places`) by a token derived from a per-bundle random salt with
HMAC-SHA256:

- the same value gives the same token everywhere in one bundle, so a replay dedupes on
  the hashed email exactly as the CRM deduped on the real one;
- two bundles (two salts) give unrelated tokens, so bundles cannot be joined on them;
- tokens keep the shape the mapping checks: an email stays an email
  (``h-<hex>@example.invalid``), a phone stays a valid number of the same country, a
  name word stays one lowercase word (so ``join``, ``trim`` and ``lower`` give the same
  result on the token as on the original).

The salt is never written anywhere. See docs/bundles.md for the list of PII fields.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import phonenumbers

from signaltui.core.normalize import clean_text, phone_to_e164

#: Trait keys (lowercased, ``_`` removed) whose words are name-like PII.
NAME_KEYS = frozenset({"firstname", "lastname", "name", "fullname", "company", "companyname"})
#: Keys (anywhere in traits or properties) holding free text a person typed.
TEXT_KEYS = frozenset({"message", "description", "notes", "note", "comment", "comments"})
#: Keys whose values are postal addresses (strings, or objects of strings).
ADDRESS_KEYS = frozenset({"address", "street", "streetaddress", "address1", "address2"})
#: Keys holding identifiers that may name a person (an email-like user id, a CRM id).
ID_KEYS = frozenset({"userid", "anonymousid"})
#: Keys holding a company's own web address.
WEBSITE_KEYS = frozenset({"website", "websiteurl", "domain"})

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_SHORTEST_WORD = 2  # one-letter initials are kept: they identify no one on their own
_SHORTEST_PREFIX = 8  # a truncated free text shorter than this is not recognised


def _key(name: Any) -> str:
    return str(name).lower().replace("_", "").replace("-", "")


class PiiHasher:
    """Learns the PII of one delivery, then replaces it in any JSON value.

    Use :meth:`learn_event` (and :meth:`learn_emails` for emails found elsewhere), then
    :meth:`apply` to every part of the bundle. :meth:`originals` lists what was hidden,
    for the final check that none of it is left.
    """

    def __init__(self, salt: bytes, default_region: str = "US") -> None:
        self._salt = salt
        self._region = default_region
        #: original text (as it may appear) -> replacement, for PII distinctive enough
        #: to replace wherever it occurs (emails, phones, free text, websites)
        self._table: dict[str, str] = {}
        #: the same for name and company words and user ids, which are replaced only
        #: where the lead's data goes (see :mod:`signaltui.bundle.places`)
        self._words: dict[str, str] = {}
        #: free texts, whose truncated prefixes are recognised as whole string values
        self._texts: dict[str, str] = {}
        self._patterns: dict[bool, re.Pattern[str]] = {}
        self._lookup: dict[str, str] = {}

    # -- tokens ---------------------------------------------------------------------------

    def digest(self, kind: str, value: str, size: int = 12) -> str:
        """``size`` hex digits of HMAC-SHA256(salt, kind:value)."""
        mac = hmac.new(self._salt, f"{kind}:{value}".encode(), hashlib.sha256)
        return mac.hexdigest()[:size]

    def email(self, value: str) -> str:
        """The token of an email: a valid email at a reserved, undeliverable domain."""
        return f"h-{self.digest('email', value.strip().lower(), 16)}@example.invalid"

    def word(self, value: str) -> str:
        """The token of one name or company word (lowercase, so ``lower`` keeps it)."""
        return f"n-{self.digest('word', value.lower(), 8)}"

    def phone(self, e164: str) -> str:
        """A number of the same country derived from ``e164``: a valid one where the
        country has one to offer, else one of the same length (possible, as the mapping
        requires)."""
        parsed = phonenumbers.parse(e164, None)
        country = parsed.country_code or 1
        regions = phonenumbers.region_codes_for_country_code(country)
        region = regions[0] if regions else self._region
        for attempt in range(50):
            fake = _fake_number(region, country, self.digest(f"phone{attempt}", e164))
            if fake is not None and fake != e164:
                return fake
        national = str(parsed.national_number)
        digits = "".join(str(int(c, 16) % 10) for c in self.digest("phone", e164, 32))
        return f"+{country}{national[:3]}{digits[: max(0, len(national) - 3)]}"

    # -- learning -------------------------------------------------------------------------

    def learn_event(self, event: Any) -> None:
        """Find the PII in an event (traits, context.traits, properties, identifiers)."""
        if not isinstance(event, dict):
            return
        context = event.get("context")
        sections = [event.get("traits"), event.get("properties")]
        if isinstance(context, dict):
            sections.append(context.get("traits"))
        for section in sections:
            if isinstance(section, dict):
                self._learn_fields(section)
        # Emails before ids: a userId that is an email keeps the email's token, so the
        # mapping still reads it as an email wherever it lands.
        self.learn_emails(event)
        for name, value in event.items():
            if _key(name) in ID_KEYS and isinstance(value, str) and clean_text(value):
                self._add(value, f"u-{self.digest('id', value.strip())}", word=True)

    def learn_emails(self, value: Any) -> None:
        """Hash every email-shaped text found anywhere in ``value``."""
        for text in _strings(value):
            for found in EMAIL_RE.findall(text):
                self._add_email(found)

    def _learn_fields(self, section: dict[str, Any]) -> None:
        for name, value in section.items():
            key = _key(name)
            if key == "email" and isinstance(value, str):
                self._add_email(value)
            elif "phone" in key and isinstance(value, str | int):
                self._add_phone(str(value))
            elif key in NAME_KEYS:
                if isinstance(value, dict):  # company: {"name": ...}
                    value = value.get("name")
                if isinstance(value, str):
                    self._add_words(value)
            elif key in WEBSITE_KEYS and isinstance(value, str) and clean_text(value):
                self._add(value, f"https://w-{self.digest('web', value.strip().lower())}"
                          ".example.invalid/")  # fmt: skip
            elif key in TEXT_KEYS or key in ADDRESS_KEYS:
                for text in _strings(value):
                    self._add_text(text)

    def _add(self, original: str, token: str, *, word: bool = False) -> None:
        original = original.strip()
        table = self._words if word else self._table
        if original and original not in self._table and original not in self._words:
            table[original] = token
            self._patterns.clear()

    def _add_email(self, value: str) -> None:
        if "@" in value and value.strip():
            token = self.email(value)
            self._add(value, token)
            self._add(value.strip().lower(), token)

    def _add_words(self, value: str) -> None:
        for word in re.findall(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*", value):
            if len(word) >= _SHORTEST_WORD:
                self._add(word, self.word(word), word=True)

    def _add_text(self, value: str) -> None:
        text = clean_text(value)
        if text is None:
            return
        token = f"t-{self.digest('text', text)}"
        self._add(value, token)
        self._add(text, token)
        self._texts[text] = token

    def _add_phone(self, value: str) -> None:
        text = clean_text(value)
        if text is None:
            return
        e164, error = phone_to_e164(text, self._region)
        if error is not None or e164 is None:
            # Unusable as a phone: a token the mapping also cannot read as one (no digits).
            letters = "".join(chr(ord("a") + int(c, 16)) for c in self.digest("badphone", text))
            self._add(text, f"unusable-{letters}")
            return
        fake = self.phone(e164)
        self._add(text, fake)
        original, replaced = phonenumbers.parse(e164, None), phonenumbers.parse(fake, None)
        for style in _PHONE_STYLES:
            self._add(
                phonenumbers.format_number(original, style),
                phonenumbers.format_number(replaced, style),
            )
        self._add(str(original.national_number), str(replaced.national_number))

    # -- replacing ------------------------------------------------------------------------

    def originals(self, *, words: bool = True) -> list[str]:
        """The original PII texts this hasher replaces (for the no-leak check); with
        ``words=False`` only those replaced everywhere (not name words and user ids)."""
        return [*self._table, *(self._words if words else ())]

    def apply_text(self, text: str, *, words: bool = True) -> str:
        """One string with PII replaced (also URL-encoded forms and cut free texts);
        with ``words=False`` name words and user ids are left (a structural string)."""
        stripped = " ".join(text.split())
        for original, token in self._texts.items():
            if len(stripped) >= _SHORTEST_PREFIX and original.startswith(stripped):
                return token  # a free text cut by truncate:N
        if not (self._table or (words and self._words)):
            return text
        pattern = self._compiled(words)
        return pattern.sub(lambda m: self._lookup[m.group(0).lower()], text)

    def tokens(self) -> list[str]:
        """Every replacement this hasher writes (the no-leak check skips over them)."""
        self._compiled(True)
        return sorted(set(self._lookup.values()), key=len, reverse=True)

    def _compiled(self, words: bool) -> re.Pattern[str]:
        if words not in self._patterns:
            lookup: dict[str, str] = {}
            for original, token in [*self._table.items(), *self._words.items()]:
                for form, replaced in _encoded_forms(original, token):
                    lookup.setdefault(form.lower(), replaced)
            self._lookup = lookup
            chosen = self._table if not words else {**self._table, **self._words}
            forms = {form.lower() for o, t in chosen.items() for form, _ in _encoded_forms(o, t)}
            alternatives = "|".join(re.escape(o) for o in sorted(forms, key=len, reverse=True))
            self._patterns[words] = re.compile(word_pattern(alternatives), re.IGNORECASE)
        return self._patterns[words]


def word_pattern(alternatives: str) -> str:
    """A regex for ``alternatives`` as whole words: a name word "al" must not change
    "sales" or a URL path. A percent escape counts as a word boundary, so the ``jane``
    of ``query=email%3A%22jane.doe%40acme.com`` is a word of its own."""
    start = r"(?:(?<![0-9A-Za-z])|(?<=%[0-9A-Fa-f]{2}))"
    return rf"{start}(?:{alternatives})(?![0-9A-Za-z])"


_PHONE_STYLES = (
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.RFC3966,
)


def _encoded_forms(original: str, token: str) -> Iterator[tuple[str, str]]:
    """``original`` as it may appear (raw, URL-encoded) paired with the token so encoded."""
    yield original, token
    yield quote(original, safe=""), quote(token, safe="")
    yield quote_plus(original), quote_plus(token)


def _fake_number(region: str, country_code: int, digits_hex: str) -> str | None:
    """A valid number of ``region``: an example number with its tail replaced by digits
    from ``digits_hex``; ``None`` when that is not a valid number."""
    example = phonenumbers.example_number_for_type(
        region, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(region)
    if example is None:
        return None
    national = str(example.national_number)
    keep = max(1, len(national) - 6)  # keep the prefix that makes it a mobile/valid range
    tail = "".join(str(int(c, 16) % 10) for c in digits_hex)[: len(national) - keep]
    candidate = phonenumbers.parse(f"+{country_code}{national[:keep]}{tail}", None)
    if not phonenumbers.is_valid_number(candidate):
        return None
    return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)


def _strings(value: Any) -> Iterable[str]:
    """Every string in a JSON value (dict keys left out)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
