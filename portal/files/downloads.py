"""Fetching a published file from a configured address (issue 24, "kept current"): http or
https only, a time limit, a size limit, the bytes written to a file and hashed. Any failure is a
``DownloadError`` with a sentence a program admin can act on, never a traceback."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

CHUNK = 1 << 16
USER_AGENT = "WQIP-Portal/1 (state file refresh)"


class DownloadError(Exception):
    pass


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size: int
    sha256: str
    name: str  # the file name the address ends in (for the import's record)


def check_address(url: str) -> str:
    """The address, or DownloadError when it is not an http(s) address with a host."""
    parts = urlparse(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DownloadError(f"'{url[:100]}' is not an http or https address")
    return url.strip()


def download(url: str, dest: Path, *, max_bytes: int, timeout: float = 60.0) -> Downloaded:
    """Fetch ``url`` into ``dest``; refused past ``max_bytes`` (the partial file removed)."""
    url = check_address(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, open(dest, "wb") as out:  # noqa: S310
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise DownloadError(_too_large(int(declared), max_bytes))
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadError(_too_large(size, max_bytes))
                digest.update(chunk)
                out.write(chunk)
    except DownloadError:
        dest.unlink(missing_ok=True)
        raise
    except urllib.error.HTTPError as exc:
        dest.unlink(missing_ok=True)
        raise DownloadError(f"the server answered {exc.code} {exc.reason} for {url}") from None
    except OSError as exc:  # URLError and timeouts are OSErrors
        dest.unlink(missing_ok=True)
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"could not fetch {url}: {reason}") from None
    if size == 0:
        dest.unlink(missing_ok=True)
        raise DownloadError(f"{url} gave an empty file")
    name = Path(urlparse(url).path).name or "download"
    return Downloaded(path=dest, size=size, sha256=digest.hexdigest(), name=name[:150])


def _too_large(size: int, limit: int) -> str:
    return f"the file is over the limit of {limit:,} bytes ({size:,} bytes or more)"
