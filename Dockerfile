# The SKK service image: the wheel built from this checkout, installed into a clean Python,
# run as a non-root user. tests/test_packaging.py runs the same steps without Docker (build the
# wheel, install it into a fresh venv, `skk init`, `skk serve`, /health).
#
#   docker build -t skk-service .
#   docker run -p 8000:8000 -v skk-data:/var/lib/skk skk-service        # SQLite in the volume
#   docker compose up -d                                                # with PostgreSQL 15
#
# Production settings (environment; see the README's "Settings" and compose.yaml / skk.env):
#   SKK_ENV=production              refuses to start, one sentence per reason, while any of the
#                                   settings below still holds its development value
#   SKK_DATABASE_URL                postgresql+psycopg://USER:PASSWORD@HOST/DB (the service's role)
#   SKK_MIGRATION_DATABASE_URL      the tables' owner, for `skk init`; the service's role then
#                                   may only add to the audit log
#   SKK_PUBLIC_BASE_URL             https://... the address a letter's QR code opens (public)
#   SKK_SIGNING_P12, SKK_SIGNING_P12_PASSWORD
#                                   the office's key (mount the file read-only, e.g. /run/skk/)
#   SKK_OFFICE_*, SKK_SIGNATORY_NAME, SKK_SIGNATORY_NIP, SKK_SIGNATORY_TITLE
#                                   letterhead and the signing official
#   SKK_TRUSTED_PROXIES             the reverse proxy's address, to log the client's address
#   SKK_CORS_ORIGINS                only the front-desk apps' origins (never *)

FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY alembic ./alembic
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    SKK_DATABASE_URL=sqlite:////var/lib/skk/skk.db \
    SKK_DATA_DIR=/var/lib/skk/data \
    SKK_WORKERS=2

RUN useradd --system --create-home --home-dir /var/lib/skk skk \
    && install -d -o skk -g skk -m 0700 /var/lib/skk/data
COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-cache-dir /tmp/wheels/*.whl && rm -rf /tmp/wheels

USER skk
WORKDIR /var/lib/skk
# The SQLite database (when used), the development signing key, the audit checkpoints:
# state that must outlive the container.
VOLUME ["/var/lib/skk"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
# Schema and region codes first (a failed migration stops here, with its message), then the
# server in place of the shell, so it receives the stop signal.
CMD ["sh", "-c", "skk init && exec skk serve --host 0.0.0.0 --port 8000 --workers \"$SKK_WORKERS\""]
