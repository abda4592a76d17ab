"""Persons' and posts' pages show their post holdings as a small timeline (the shared, server-drawn SVG)."""

from __future__ import annotations

import html
import re

import requests

HTML = {"Accept": "text/html"}


def _page(server, path: str) -> str:
    r = requests.get(server.url + path, headers=HTML, timeout=30)
    assert r.status_code == 200, r.text[:300]
    return r.text


def _timeline(page: str) -> str:
    m = re.search(r'<figure class="timeline-box holdings">(.*?)</figure>', page, re.S)
    return html.unescape(m.group(1)) if m else ""


def test_a_persons_page_shows_the_posts_held(server):
    if server.name != "real":
        return  # the mini fixture has no holdings: nothing drawn, nothing to check
    svg = _timeline(_page(server, "id/person/donald-tsang"))
    # piglix (Financial Secretary 1997-2001, CS 2001-2005, acting CE 2005, CE 2005-2012)
    assert svg.count('class="tl-dot"') >= 4
    assert "Financial Secretary" in svg and "Chief Secretary for Administration" in svg
    assert "acting, until 2005-05-24" in svg and "until 2012-06-30" in svg
    assert "/id/holding/donald-tsang--chief-executive-of-the-hksar--2005-06-21" in svg


def test_a_posts_page_shows_its_holders(server):
    if server.name != "real":
        return
    svg = _timeline(_page(server, "id/post/chief-executive-of-the-hksar"))
    for holder in ("Tung Chee Hwa", "Donald Tsang", "C Y Leung", "Carrie Lam", "John Lee"):
        assert holder in svg
    assert "still held when read" in svg  # John Lee, from 2022-07-01


def test_a_page_without_holdings_draws_none(server):
    path = "id/meeting/hk-gd-joint-conference-plenary-23" if server.name == "real" else ""
    assert "timeline-box holdings" not in _page(server, path)
