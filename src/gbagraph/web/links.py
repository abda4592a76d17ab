"""One link policy for every ``href`` the pages write: web addresses (http, https) and this server's own paths,
nothing else (no ``javascript:``, ``data:``, ``file:``…, whatever the data say).  Templates use the ``href``
filter (``<a{{ url | href }}>``): an address outside the policy gives a link without an ``href``."""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup, escape


def safe_href(url: object) -> str | None:
    """``url`` if it is an http(s) address with a host or a path of this server (``/x``, not ``//host``);
    None otherwise."""
    if url is None:
        return None
    text = str(url)
    if text != text.strip() or any(ord(c) < 32 or c == "\\" for c in text):
        return None  # browsers drop such characters and could read another scheme
    if text.startswith("/") and not text.startswith("//"):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def href_attribute(url: object) -> Markup:
    """`` href="…"`` (escaped) for an address the policy allows; nothing for any other."""
    safe = safe_href(url)
    return Markup(f' href="{escape(safe)}"') if safe is not None else Markup("")
