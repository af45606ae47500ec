# Klik production image. SQLite lives in /app/var (mount a volume), or set DATABASE_URL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY flows ./flows
COPY storage ./storage
COPY content ./content
RUN pip install --no-cache-dir . \
    && useradd --system --home /app klik \
    && mkdir -p /app/var && chown klik /app/var

USER klik
# The SQLite file on the volume: an installed Klik would otherwise use ~/.local/share/klik.
ENV CONTENT_DIR=/app/content DATABASE_URL=sqlite:////app/var/klik.db
VOLUME ["/app/var"]
CMD ["sh", "-c", "klik migrate && klik run"]
