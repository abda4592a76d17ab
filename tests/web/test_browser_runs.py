"""Runs on the query page (issue 20.1), in headless Chromium against `gbagraph serve`: an answer is only ever
shown under the query that produced it, Cancel stops a run, one run at a time per tab, history and tabs."""

from __future__ import annotations

import time

import pytest

from .test_browser import browser, mini_site, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def slow_query(n: int) -> str:
    """A query that keeps a worker busy for a few seconds (n³ rows counted), on any data.  Each test uses its own
    ``n``: the server keeps answers, and a kept answer would come at once."""
    values = " ".join(str(i) for i in range(n))
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}"


def test_stale_answer_never_replaces_a_later_one(mini_site, page):  # noqa: F811
    page.goto(mini_site.url)
    query = page.locator("#query")
    query.fill(slow_query(300))
    started = time.monotonic()
    page.get_by_role("button", name="Run").click()
    assert page.locator("#status").inner_text() == "running…"
    query.fill("ASK { ?s ?p ?o }")
    query.press("Control+Enter")
    page.locator(".ask-badge.yes").wait_for()
    # the slow query would have answered by now (about 3 s); its count must not replace the ASK's badge
    page.wait_for_timeout(max(0.0, 8 - (time.monotonic() - started)) * 1000)
    assert page.locator(".ask-badge.yes").count() == 1
    assert page.locator(".results-table").count() == 0
    assert page.locator("#status").inner_text().startswith("ASK: yes")
    assert len(page.aborted) == 1  # the slow run's request was aborted, not left to finish
    assert query.input_value() == "ASK { ?s ?p ?o }"


def test_cancel_stops_the_run(mini_site, page):  # noqa: F811
    page.goto(mini_site.url)
    page.locator("#query").fill(slow_query(301))
    run, cancel = page.locator("#run"), page.get_by_role("button", name="Cancel")
    assert cancel.is_hidden()
    run.click()
    assert run.is_disabled() and "Running" in run.inner_text()  # one run at a time, visibly running
    assert page.locator("#editor.running").count() == 1
    cancel.click()
    assert page.locator("#status").inner_text().startswith("cancelled")
    assert run.is_enabled() and cancel.is_hidden()
    assert len(page.aborted) == 1
    page.wait_for_timeout(5000)  # the aborted request's answer, had it come, would be drawn by now
    assert page.locator(".results-table").count() == 0 and page.locator("#error").is_hidden()
    assert page.locator("#status").inner_text().startswith("cancelled")
    page.locator("#query").fill("ASK { ?s ?p ?o }")
    run.click()
    page.locator(".ask-badge.yes").wait_for()


def test_answer_for_another_text_is_labelled(mini_site, page):  # noqa: F811
    page.goto(mini_site.url)
    query = page.locator("#query")
    query.fill("ASK { ?s ?p ?o }")
    page.get_by_role("button", name="Run").click()
    page.locator(".ask-badge.yes").wait_for()
    assert page.locator("#answer-for").is_hidden()
    query.press("End")
    page.keyboard.type(" # changed")
    assert page.locator("#answer-for").is_visible()
    page.get_by_role("button", name="Put that query back").click()
    assert query.input_value() == "ASK { ?s ?p ?o }" and page.locator("#answer-for").is_hidden()


def test_tabs_and_history(mini_site, page):  # noqa: F811
    page.goto(mini_site.url)
    query = page.locator("#query")
    query.fill("ASK { ?s a gba:Official }")
    page.get_by_role("button", name="Run").click()
    page.locator(".ask-badge.yes").wait_for()
    page.get_by_role("button", name="New tab").click()
    assert page.get_by_role("tab").count() == 2 and page.locator(".ask-badge").count() == 0
    query.fill("SELECT ?s WHERE { ?s a gba:Official }")
    page.get_by_role("button", name="Run").click()
    page.locator(".results-table tbody tr").first.wait_for()
    page.get_by_role("tab").nth(0).click()  # the first tab keeps its text and its answer
    assert query.input_value() == "ASK { ?s a gba:Official }" and page.locator(".ask-badge.yes").count() == 1
    page.reload()  # tabs and history live in the browser
    assert page.get_by_role("tab").count() == 2
    page.locator("#history summary").click()
    items = page.locator("#history-list button.history-item")
    assert items.count() == 2 and items.nth(0).get_attribute("title") == "SELECT ?s WHERE { ?s a gba:Official }"
    items.nth(1).click()
    assert query.input_value() == "ASK { ?s a gba:Official }"


def test_grouping_error_marked_while_typing(mini_site, page):  # noqa: F811
    """The commonest SPARQL mistake, marked on the variable at fault before Run; Run keeps the engine's words."""
    page.goto(mini_site.url)
    query = page.locator("#query")
    query.fill("")
    query.type("SELECT (COUNT(?s) AS ?n) ?p WHERE { ?s ?p ?o }")
    page.locator("#check:not([hidden])").wait_for()  # no Run pressed
    assert "?p is shown but the query groups" in page.locator("#check").inner_text()
    mark = page.locator("#highlight .tok-error")
    assert mark.inner_text() == "?" and page.evaluate("""() => {
        const range = document.createRange();
        range.setStart(document.getElementById('highlight'), 0);
        range.setEndBefore(document.querySelector('#highlight .tok-error'));
        return range.toString().length; }""") == 25  # the "?" of "?p" after "(COUNT(?s) AS ?n) "
    query.press("Control+Enter")
    page.locator("#error:not([hidden])").wait_for()
    text = page.locator("#error").inner_text()
    assert "line 1, column 26" in text and "The SELECT contains a variable that is unbound" in text
    query.press("End")
    page.keyboard.type(" GROUP BY ?p")  # fixed: the mark goes, and the check finds nothing
    assert page.locator("#highlight .tok-error").count() == 0
    page.wait_for_timeout(1200)
    assert page.locator("#check").is_hidden() and page.locator("#highlight .tok-error").count() == 0


def test_construct_as_a_table_of_triples_and_a_graph(mini_site, page):  # noqa: F811
    page.goto(mini_site.url)
    page.locator("#query").fill("CONSTRUCT { ?s a ?c ; rdfs:label ?l } WHERE { ?s a gba:Official ; rdfs:label ?l . "
                                "?s a ?c }")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector(".results-table tbody tr")
    assert page.locator(".results-table thead th").all_inner_texts() == ["?subject", "?predicate", "?object"]
    rows = page.locator(".results-table tbody tr")
    n = rows.count()
    assert n >= 4 and f"{n} triples" in page.locator("#status").inner_text()
    first = rows.nth(0).locator("td").nth(0).locator("a")
    assert first.get_attribute("href").startswith("/id/person/")  # subjects link to their pages
    assert rows.locator("td:nth-child(2) a[href='http://www.w3.org/2000/01/rdf-schema#label']").count() >= 2
    assert "Ada Example" in page.locator(".results-table").inner_text()
    page.locator("#row-filter").fill("ada")  # the filter box narrows the rows shown
    assert 0 < page.locator(".results-table tbody tr").count() < n
    assert all("ada" in t.lower() for t in page.locator(".results-table tbody tr").all_inner_texts())
    page.locator("#row-filter").fill("")
    labels = page.locator(".results-table tbody td:nth-child(2)", has_text="rdfs:label").count()
    assert labels == 2
    page.locator("#view-graph").click()  # the drawing: an arrow per triple (labels name their node), a node per thing
    svg = page.locator("svg.graph-view")
    assert svg.locator("line.gv-edge").count() == n - labels
    people = svg.locator("a.gv-item[href^='/id/person/']")
    assert people.count() == 2 and "Ada Example" in svg.text_content()  # named by their labels
    page.locator("#view-turtle").click()
    page.wait_for_function("document.querySelector('pre.graph') && "
                           "document.querySelector('pre.graph').textContent.includes('@prefix')")


def test_chart_and_timeline_guess_and_let_choose(mini_site, page):  # noqa: F811
    page.goto(mini_site.url)
    page.locator("#query").fill('SELECT ?ordinal ?what ?when ?n WHERE { VALUES (?ordinal ?what ?when ?n) { '
                                '(1 "first" "2003-08-05"^^xsd:date 7) (2 "second" "2004"^^xsd:gYear 3) '
                                '(3 "third" "2021-09"^^xsd:gYearMonth 5) } }')
    page.get_by_role("button", name="Run").click()
    page.locator("#view-chart").click()
    assert page.locator("#pick-value").input_value() == "n"  # not the ordinal
    assert page.locator("#pick-label").input_value() == "what"
    assert page.locator("svg.bar-chart text.bar-value").all_text_contents() == ["7", "3", "5"]
    page.locator("#pick-value").select_option("ordinal")  # the user may still choose it
    assert page.locator("svg.bar-chart text.bar-value").all_text_contents() == ["1", "2", "3"]
    page.locator("#view-timeline").click()
    assert page.locator("#pick-date").input_value() == "when"
    labels = page.locator("svg.timeline text.tl-label").all_text_contents()
    assert labels[0] == "2003-08-05 · first"  # the label column, not the ordinal
    page.locator("#pick-label").select_option("n")
    assert page.locator("svg.timeline text.tl-label").all_text_contents()[0] == "2003-08-05 · 7"
