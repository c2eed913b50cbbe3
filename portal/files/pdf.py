"""HTML to PDF (weasyprint) with the one print stylesheet, so no template carries inline CSS.

WeasyPrint fetches nothing over the network: its URL fetcher serves the project's static files
(``/static/...`` under any host, or a file inside a static folder) and ``data:`` URLs, and
refuses every other URL, so a link in a document cannot make the server call out."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

PRINT_STYLESHEET = "css/print.css"


class RefusedURL(ValueError):
    pass


def _static_roots() -> list[Path]:
    roots = [Path(folder).resolve() for folder in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_file_for(url: str) -> Path | None:
    """The file a URL names when it is one of the project's static files, else None."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", ""):
        prefix = urlsplit(settings.STATIC_URL).path
        path = unquote(parts.path)
        if not path.startswith(prefix):
            return None
        relative = path[len(prefix) :]
        if ".." in Path(relative).parts:
            return None
        found = finders.find(relative)
        if found:
            return Path(found if isinstance(found, str) else found[0])
        candidate = Path(settings.STATIC_ROOT or "") / relative
        return candidate if settings.STATIC_ROOT and candidate.is_file() else None
    if parts.scheme == "file":
        candidate = Path(unquote(parts.path)).resolve()
        inside = any(candidate.is_relative_to(root) for root in _static_roots())
        return candidate if inside and candidate.is_file() else None
    return None


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_for(url)
            if path is None:
                raise RefusedURL(f"PDF rendering fetches only the portal's static files: {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
            )

    return StaticOnlyFetcher(allowed_protocols=("data",))


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    stylesheet = CSS(filename=finders.find(PRINT_STYLESHEET), url_fetcher=fetcher)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet]
    )
