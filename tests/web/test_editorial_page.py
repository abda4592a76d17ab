"""The resource page marks statements from outside the source: an "editorial" badge with the note as tooltip."""

from __future__ import annotations

import html
import re

import pytest
import requests

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def page(server, path: str) -> str:
    r = requests.get(server.url + path, headers={"Accept": BROWSER_ACCEPT}, timeout=30)
    assert r.status_code == 200
    return r.text


def items(text: str) -> list[str]:
    """The <li> of the outgoing properties table, one per value."""
    props = text.split("<h2>Properties</h2>", 1)[1].split("<h2>", 1)[0]
    return re.findall(r"<li[^>]*>(.*?)</li>", props, re.S)


#: the bundled data only (the editorial statements are there); the session's server on the real data is reused
on_real_data = pytest.mark.parametrize("server", ["real"], indirect=True)


@on_real_data
def test_a_link_only_the_project_makes_is_badged_with_its_note(server):
    values = items(page(server, "id/post/secretary-for-labour-and-welfare"))
    bureau = [v for v in values if "/id/body/labour-and-welfare-bureau" in v]
    assert len(bureau) == 1
    badge = re.search(r'<span class="badge editorial" title="([^"]*)">editorial</span>', bureau[0])
    assert badge, bureau[0]
    note = html.unescape(badge.group(1))
    assert "never says that this post belongs to that bureau" in note
    assert 'class="para"' not in bureau[0]  # no paragraph states it


@on_real_data
def test_a_partly_stated_date_keeps_its_paragraph_and_is_badged(server):
    values = items(page(server, "id/meeting/hk-gd-joint-conference-plenary-23"))
    date = [v for v in values if "2023-03-21" in v and "inferred" not in v]  # gba:date, not its dcterms:date
    assert len(date) == 1
    assert "badge editorial" in date[0] and "/id/source/plenary-23-press-release/p01" in date[0]
    assert "derived from the release date" in html.unescape(date[0])


@on_real_data
def test_stated_facts_carry_no_editorial_badge(server):
    values = items(page(server, "id/person/john-lee"))
    assert values and not any("badge editorial" in v for v in values)
    honorific = [v for v in values if ">Mr<" in v]
    # "Mr John Lee" in paragraphs 1, 2 and 28 only (issue 11: it carried four badges)
    assert len(honorific) == 1 and honorific[0].count('class="para"') == 3
