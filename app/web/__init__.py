"""Server-rendered HTML pages (Jinja2): the public verification and statistics pages."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from app.domain.dates import format_date_id

TEMPLATE_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(directory=TEMPLATE_DIR)
templates.env.filters["date_id"] = format_date_id

# HTML pages carry no script and load nothing from elsewhere.
HTML_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
