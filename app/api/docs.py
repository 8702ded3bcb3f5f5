"""API documentation that works without internet: Swagger UI and ReDoc from the assets of
the pinned `fastapi-offline` package, and a page per problem `code` (the `type` URLs)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from app.errors import PROBLEM_CODES, NotFound, problem_text
from app.web import HTML_SECURITY_HEADERS, templates

ASSETS = "/docs-assets"
VENDOR_DIR = Path(str(files("fastapi_offline") / "static"))

# Scripts only from this server (no inline script: the init is a file); Swagger UI and ReDoc
# set inline styles, and ReDoc searches in a blob: worker.
DOCS_SECURITY_HEADERS = {
    **HTML_SECURITY_HEADERS,
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
}

_SWAGGER_INIT = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
});
"""

_SWAGGER_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>SKK service - API</title>
<link rel="icon" href="{ASSETS}/favicon.png">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{ASSETS}/swagger-init.js"></script>
</body>
</html>
"""

_REDOC_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>SKK service - API reference</title>
<link rel="icon" href="{ASSETS}/favicon.png">
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="{ASSETS}/redoc.standalone.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    """Swagger UI over /openapi.json."""
    return HTMLResponse(_SWAGGER_PAGE, headers=DOCS_SECURITY_HEADERS)


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    """ReDoc over /openapi.json."""
    return HTMLResponse(_REDOC_PAGE, headers=DOCS_SECURITY_HEADERS)


@router.get(f"{ASSETS}/swagger-init.js")
async def swagger_init() -> Response:
    """Swagger UI's start-up, as a file so that the page needs no inline script."""
    return Response(_SWAGGER_INIT, media_type="text/javascript")


@router.get("/problems")
async def problem_index(request: Request) -> HTMLResponse:
    """Every problem `code` the service answers."""
    return templates.TemplateResponse(
        request, "problems.html", {"problems": PROBLEM_CODES}, headers=HTML_SECURITY_HEADERS
    )


@router.get("/problems/{code}")
async def problem_page(request: Request, code: str) -> HTMLResponse:
    """What one problem `code` means and what to do: the problem's `type` URL."""
    problem = PROBLEM_CODES.get(code)
    if problem is None:
        raise NotFound(problem_text("not_found.problem_code", code=code[:60]), code="not_found")
    return templates.TemplateResponse(
        request,
        "problem.html",
        {"code": code, "problem": problem},
        headers=HTML_SECURITY_HEADERS,
    )


def mount_assets(app: FastAPI) -> None:
    """Serve the vendored Swagger UI and ReDoc files under /docs-assets."""
    app.mount(ASSETS, StaticFiles(directory=VENDOR_DIR), name="docs-assets")
