"""The CORS headers every answer carries (any origin may read this public, read-only data)."""

from __future__ import annotations

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "Content-Type, Content-Length, Content-Disposition, ETag, Last-Modified, Vary, "
                                     "Retry-After, X-Cache",
    "Access-Control-Max-Age": "86400",
}

#: the same, as WSGI header pairs
CORS_ITEMS = tuple(CORS_HEADERS.items())
