"""WeasyPrint fetches nothing over HTTP: only the portal's static files (issue 13 fix 6)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from django.contrib.staticfiles import finders

from portal.files.pdf import RefusedURL, _fetcher, html_to_pdf, static_file_for


class CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        CountingHandler.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    CountingHandler.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_given_template_with_http_urls_when_rendered_then_nothing_fetched(web_server):
    # given: a document naming outside resources (image, stylesheet, font, background)
    html = f"""<html><head>
      <link rel="stylesheet" href="{web_server}/outside.css">
      <style>@font-face {{ font-family: X; src: url({web_server}/font.woff) }}
             body {{ background: url({web_server}/bg.png); font-family: X }}</style>
      </head><body><p>Letter</p><img src="{web_server}/tracker.png" alt=""></body></html>"""
    # when
    pdf = html_to_pdf(html)
    # then
    assert pdf.startswith(b"%PDF")
    assert CountingHandler.hits == []


def test_given_static_url_under_any_host_when_fetched_then_read_from_disk(web_server):
    # given
    fetcher = _fetcher()
    # when
    response = fetcher.fetch(f"{web_server}/static/css/print.css")
    # then: the file itself, and no request made
    with open(finders.find("css/print.css"), "rb") as handle:  # type: ignore[arg-type]
        assert response.read() == handle.read()
    assert response.content_type == "text/css"
    assert CountingHandler.hits == []
    assert html_to_pdf('<img src="/static/img/favicon.svg" alt="">', base_url=web_server)
    assert CountingHandler.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/../secret",
        "file:///etc/passwd",
        "ftp://example.org/x.css",
        "/static/../portal/settings/base.py",
    ],
)
def test_given_url_outside_static_files_when_fetched_then_refused(url):
    with pytest.raises(RefusedURL):
        _fetcher().fetch(url if "://" in url else "http://portal.example" + url)
    assert static_file_for(url) is None
