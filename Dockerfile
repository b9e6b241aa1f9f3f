# rectibot: slim Python, non-root, dependencies from the lockfile.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY config ./config
COPY domain ./domain
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY storage ./storage
COPY simulator ./simulator
RUN pip install --no-deps . \
    && useradd --system --create-home --uid 10001 rectibot \
    && mkdir -p /data && chown rectibot /data

USER rectibot
VOLUME ["/data"]
# The schema is upgraded on start; the token comes from the environment (-e or --env-file).
ENTRYPOINT ["rectibot"]
CMD ["run"]
