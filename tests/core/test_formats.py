import pytest

from gbagraph import formats
from gbagraph.errors import UnknownFormat
from gbagraph.web import conneg


def negotiate(accept, kinds, *, fallback=True):
    """The web layer's choice among the formats of ``kinds`` (default first), falling back to the default."""
    candidates = [f for f in formats.FORMATS if f.kind in kinds]
    candidates.sort(key=lambda f: f is not formats.DEFAULTS[kinds[0]])
    chosen = conneg.negotiate(conneg.accept_of(accept), candidates)
    return chosen if chosen or not fallback else candidates[0]


@pytest.mark.parametrize("fmt", formats.FORMATS, ids=lambda f: f.name)
def test_every_format_found_by_name_and_media_type(fmt):
    assert formats.by_name(fmt.name, (fmt.kind,)) is fmt
    assert formats.by_name(fmt.media_type, (fmt.kind,)) is fmt


@pytest.mark.parametrize(
    ("accept", "kinds", "expected"),
    [
        (None, ("results",), "json"),
        ("*/*", ("graph",), "turtle"),
        ("application/sparql-results+xml", ("results",), "xml"),
        ("text/csv;q=0.5, text/tab-separated-values", ("results",), "tsv"),
        ("text/html, application/xhtml+xml, */*;q=0.8", ("results",), "json"),
        ("application/ld+json", ("graph",), "jsonld"),
        ("application/rdf+xml;q=0.9, text/turtle;q=0.95", ("graph",), "turtle"),
        ("application/n-triples", ("graph",), "nt"),
        # rdflib's SPARQLStore asks for results types on CONSTRUCT: answer in the default, not 406
        ("application/sparql-results+xml", ("graph",), "turtle"),
        ("application/sparql-results+xml, application/rdf+xml", ("graph",), "rdfxml"),
        ("text/*", ("graph",), "turtle"),
        ("application/json", ("results",), "json"),
    ],
)
def test_negotiate(accept, kinds, expected):
    assert negotiate(accept, kinds).name == expected


def test_negotiate_without_fallback_says_none():
    assert negotiate("image/png", ("graph",), fallback=False) is None


def test_q_zero_is_excluded():
    assert negotiate("text/turtle;q=0, application/n-triples", ("graph",)).name == "nt"


def test_xml_means_rdfxml_for_graphs():
    assert formats.by_name("xml", ("graph",)).name == "rdfxml"
    assert formats.by_name("xml", ("results",)).name == "xml"


def test_unknown_format_is_a_clear_error():
    with pytest.raises(UnknownFormat, match="unknown format 'yaml'; known:"):
        formats.by_name("yaml")


def test_content_type_has_charset():
    assert formats.by_name("turtle").content_type == "text/turtle; charset=utf-8"
