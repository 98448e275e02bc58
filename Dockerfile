# syntax=docker/dockerfile:1
# The ecr-report container image (README "Deploying").
#
# Two stages: the builder turns this checkout into wheels (ecr-report and every dependency); the
# runtime installs them with no compiler, no source tree and no pip cache. The runtime writes
# nothing outside /data, so it runs with a read-only root filesystem: HOME, TMPDIR, the fontconfig
# cache and the working directory all point into /data, and the system font cache is built here.
#
# The Debian packages are pinned to bookworm's versions (the base image's release); when bookworm
# ships a security update of one of them, bump the pin (`apt-cache policy NAME` in the base image).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# Only what the wheel is built from (.dockerignore keeps tests, .venv and outputs out).
COPY pyproject.toml setup.py README.md ./
COPY jobs ./jobs
COPY reports ./reports
COPY templates ./templates
RUN pip wheel --wheel-dir /wheels .

FROM ${PYTHON_IMAGE} AS runtime
# WeasyPrint renders the PDF with Pango and subsets fonts with HarfBuzz; fontconfig's fc-list
# finds the Japanese font (jobs/publish.py); DejaVu and IPAex are the report's fonts (.ci/run
# installs the same packages).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0=1.50.12+ds-1 \
        libpangoft2-1.0-0=1.50.12+ds-1 \
        libharfbuzz-subset0=6.0.0+dfsg-3 \
        fontconfig=2.14.1-4 \
        fonts-dejavu-core=2.37-6 \
        fonts-ipaexfont-gothic=00401-5 \
    && rm -rf /var/lib/apt/lists/* \
    && fc-cache -f

# Installed from the builder's wheels only (--no-index): the image holds what was built above.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels /wheels/ecr_report-*.whl

# A fixed non-root uid/gid, so Kubernetes runAsNonRoot can check it and an EFS access point or a
# PersistentVolume can be owned by it.
RUN groupadd --system --gid 10001 ecr-report \
    && useradd --system --uid 10001 --gid ecr-report --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin ecr-report \
    && mkdir /data && chown ecr-report:ecr-report /data

# Everything the process may write lives under /data; no .pyc files next to the installed code.
ENV HOME=/data \
    TMPDIR=/data \
    XDG_CACHE_HOME=/data/.cache \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001

ENTRYPOINT ["ecr-report"]
CMD ["--help"]
