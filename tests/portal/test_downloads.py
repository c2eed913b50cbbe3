"""Fetching a state file from a configured address, against a server on 127.0.0.1."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from portal.files.downloads import DownloadError, check_address, download

BODY = b"FACID,FACNAME\n060000215,HARBOR\n"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/listing.csv":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        elif self.path == "/big.csv":
            self.send_response(200)
            self.end_headers()  # no length: the limit is checked while reading
            self.wfile.write(b"x" * 5000)
        elif self.path == "/empty.csv":
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(404, "Not Found")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_given_published_file_when_downloaded_then_bytes_size_and_name(server, tmp_path):
    # when
    got = download(f"{server}/listing.csv", tmp_path / "f", max_bytes=1000)
    # then
    assert got.path.read_bytes() == BODY
    assert (got.size, got.name) == (len(BODY), "listing.csv")
    assert len(got.sha256) == 64


@pytest.mark.parametrize(
    ("path", "limit", "cause"),
    [
        ("/missing.csv", 1000, "answered 404"),
        ("/big.csv", 1000, "over the limit of 1,000 bytes"),
        ("/listing.csv", 10, "over the limit of 10 bytes"),
        ("/empty.csv", 1000, "empty file"),
    ],
)
def test_given_failing_download_when_fetched_then_error_and_no_file_left(
    server, tmp_path, path, limit, cause
):
    # when
    with pytest.raises(DownloadError, match=cause):
        download(f"{server}{path}", tmp_path / "f", max_bytes=limit)
    # then
    assert not (tmp_path / "f").exists()


def test_given_nothing_listening_when_fetched_then_error_names_the_address(tmp_path):
    # given: a port just closed
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    port = httpd.server_address[1]
    httpd.server_close()
    # when / then
    with pytest.raises(DownloadError, match="could not fetch"):
        download(f"http://127.0.0.1:{port}/x.csv", tmp_path / "f", max_bytes=10, timeout=5)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "listing.csv", ""])
def test_given_not_an_http_address_when_checked_then_refused(url):
    with pytest.raises(DownloadError, match="not an http or https address"):
        check_address(url)
