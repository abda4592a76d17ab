"""Every gbagraph error crosses a process boundary unchanged: pickled and unpickled, it keeps its class, message,
status, title and its own fields (a query worker sends its errors to the server process this way)."""

from __future__ import annotations

import inspect
import pickle

import pytest

from gbagraph import errors
from gbagraph.errors import GbagraphError

CLASSES = sorted((cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, GbagraphError)),
                 key=lambda cls: cls.__name__)
#: the arguments each class with fields of its own is built with (the others take a message)
FIELDS = {"ShapeViolation": {"report": "the SHACL report"}, "QuerySyntaxError": {"line": 3, "column": 14}}


def test_every_error_class_is_covered() -> None:
    assert len(CLASSES) > 25 and set(FIELDS) <= {cls.__name__ for cls in CLASSES}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_round_trip(cls: type[GbagraphError]) -> None:
    original = cls("what went wrong at line 3", **FIELDS.get(cls.__name__, {}))
    original.extra = ["an attribute set later"]  # type: ignore[attr-defined]
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is cls
    assert str(copy) == copy.message == "what went wrong at line 3" and copy.args == original.args
    assert copy.status == original.status and copy.title == original.title
    assert vars(copy) == vars(original)


def test_a_status_given_at_raise_time_survives() -> None:
    copy = pickle.loads(pickle.dumps(GbagraphError("teapot", status=418)))
    assert copy.status == 418 and type(copy) is GbagraphError
