"""The access log line of ``gbagraph serve`` is gunicorn's own for our format, built from only the atoms it uses."""

from __future__ import annotations

import datetime
import logging

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from gbagraph.web.serve import ACCESS_LOG_FORMAT, StderrLogger


class Resp:
    status = "200 OK"
    sent = 777
    headers = [("Content-Type", "application/sparql-results+json"), ("ETag", '"x"')]


class Req:
    headers = [("HOST", "127.0.0.1:8000"), ("ACCEPT", "text/csv"), ("USER-AGENT", "curl/8")]


ENVIRON = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "RAW_URI": "/sparql?query=ASK%20%7B%7D",
           "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_USER_AGENT": "curl/8", "PATH_INFO": "/sparql"}


def line(logger_class: type[Logger], environ: dict[str, str], caplog: pytest.LogCaptureFixture) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", ACCESS_LOG_FORMAT)
    logger = logger_class(cfg)
    logger.access_log.propagate = True  # into caplog
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access(Resp(), Req(), environ, datetime.timedelta(seconds=1, microseconds=234_567))
    return caplog.records[-1].getMessage()


@pytest.mark.parametrize("environ", [ENVIRON, {k: v for k, v in ENVIRON.items() if k != "HTTP_USER_AGENT"}])
def test_our_access_line_is_gunicorns(environ: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    ours = line(StderrLogger, environ, caplog)
    assert ours == line(Logger, environ, caplog)
    assert ours.startswith('127.0.0.1 "GET /sparql?query=ASK%20%7B%7D HTTP/1.1" 200 777B 1234ms "')
