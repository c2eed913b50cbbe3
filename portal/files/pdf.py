"""HTML to PDF (weasyprint) with the one print stylesheet, so no template carries inline CSS."""

from __future__ import annotations

from django.contrib.staticfiles import finders

PRINT_STYLESHEET = "css/print.css"


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=finders.find(PRINT_STYLESHEET))
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[stylesheet])
