# The SKK service: `skk serve` as a non-root user. Mirrors the README's run command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    SKK_DATABASE_URL=sqlite:////var/lib/skk/skk.db \
    SKK_DATA_DIR=/var/lib/skk/data

RUN useradd --system --create-home --home-dir /var/lib/skk skk
WORKDIR /opt/skk
COPY pyproject.toml README.md ./
COPY app ./app
COPY alembic ./alembic
RUN pip install --no-cache-dir .

USER skk
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["skk", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
