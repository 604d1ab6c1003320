"""The rules of the Events API that JSON Schema cannot state, for Schemathesis.

The OpenAPI document states every per-field rule (patterns, lengths, ranges, enums). What it
cannot say is a rule across the items of a list or against the clock: a webhook's header
names are unique (case-insensitively) and are not the ones Hookdesk sets itself, the webhooks
of an imported file have distinct codes, its custom event types distinct names, and a
recover's window lies in the past the logs keep, its end after its start. Before each request is
sent, generated lists are brought in line with those rules (Schemathesis then checks the case
against the schema again), so that a request the document calls valid is one the engine
takes.
"""

from datetime import datetime, timedelta, timezone

import schemathesis

RESERVED = {"host", "content-length", "content-type", "transfer-encoding"}


def _unique(items, key, rename):
    """Renames the items whose key repeats an earlier one (or is reserved)."""
    seen = set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get(key), str):
            continue
        n = 1
        while (folded := item[key].strip().lower()) in seen or folded in RESERVED or folded.startswith("webhook-"):
            item[key] = rename(item[key], n)
            n += 1
        seen.add(folded)


def _header_name(name, n):
    return f"x{n}-{name.strip()}"


def _code(code, n):
    return f"{code.strip()[:60]}_{n}"


def _headers(owner):
    headers = owner.get("headers") if isinstance(owner, dict) else None
    if isinstance(headers, list):
        _unique(headers, "name", _header_name)
    elif isinstance(headers, dict):
        # A direct delivery's headers may be an object of name -> value.
        seen, fixed = set(), {}
        for name, value in headers.items():
            n = 1
            while (folded := name.lower()) in seen or folded in RESERVED or folded.startswith("webhook-"):
                name = _header_name(name, n)
                n += 1
            seen.add(folded)
            fixed[name] = value
        owner["headers"] = fixed


def _time(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, TypeError, ValueError):
        return None


def _window(body):
    """A recover's window within the last 29 days (the logs keep 30 by default), and its
    end, if any, after its start."""
    since = _time(body.get("since"))
    if since is None or since.tzinfo is None:
        return
    now = datetime.now(timezone.utc)
    if not now - timedelta(days=29) <= since <= now:
        since = now - timedelta(hours=1)
        body["since"] = since.isoformat()
    until = _time(body.get("until")) if "until" in body else None
    if "until" in body and (until is None or until.tzinfo is None or until <= since):
        body["until"] = (since + timedelta(minutes=30)).isoformat()


@schemathesis.hook
def before_call(context, case, kwargs):
    body = case.body
    if not isinstance(body, dict):
        return
    _headers(body)
    webhooks = body.get("webhooks")
    if isinstance(webhooks, list):
        _unique(webhooks, "code", _code)
        for w in webhooks:
            _headers(w)
    types = body.get("event_types")
    if isinstance(types, list):
        _unique(types, "name", lambda name, n: f"{name.strip()}_{n}")
    if case.path.endswith("/recover"):
        _window(body)
