# Klik's production image: the klik wheel installed (no source tree), run as an unprivileged
# user, with klik itself as the main process. docs/operating.md says how to run it; compose.yaml
# runs it with PostgreSQL.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY flows ./flows
COPY storage ./storage
COPY content ./content
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////app/var/klik.db \
    HTTP_HOST=0.0.0.0 HTTP_PORT=8080
# The wheel is mounted, not copied, so it leaves no layer behind.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir /wheels/klik-*.whl \
    && groupadd --system --gid 10001 klik \
    && useradd --system --uid 10001 --gid klik --home-dir /app --no-create-home klik \
    && mkdir -p /app/var \
    && chown klik:klik /app/var
WORKDIR /app
# A numeric user, so an orchestrator can verify it is not root (runAsNonRoot).
USER 10001:10001
VOLUME ["/app/var"]
# /healthz, /readyz, /metrics and, in webhook mode, the route Telegram posts to.
EXPOSE 8080

# Healthy means the database is reachable and migrated. klik also serves /healthz and /readyz
# on HTTP_PORT (HTTP_HOST=0.0.0.0 to reach them from outside); the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["klik", "health"]

# klik is PID 1, with no shell in between: `docker stop` sends SIGTERM straight to it, and it
# stops taking updates, lets the one in hand and the guard finish, and exits. Migrations are
# their own step (`docker run ... klik migrate`, or the migrate service in compose.yaml), never
# part of starting the bot.
ENTRYPOINT ["klik"]
CMD ["run"]
