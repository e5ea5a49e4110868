# syntax=docker/dockerfile:1
#
# The one Jifenbao application image. The ECS services run it with different commands
# (infra/terraform/environments/production/main.tf):
#   web      gunicorn --config /app/docker/gunicorn.conf.py config.wsgi:application   (default CMD)
#   worker   celery -A config.celery_app worker
#   beat     celery -A config.celery_app beat
#   migrate  python manage.py migrate_schemas --executor=multiprocessing             (one-off task)
#
# Build:  docker build -t jifenbao:<tag> .
# Run:    docker run --init -p 8000:8000 -e DJANGO_SECRET_KEY=... -e DATABASE_URL=... \
#           -e CELERY_BROKER_URL=... -e JFB_BASE_DOMAIN=... jifenbao:<tag>
# Set JFB_PROCESS_TYPE=worker|beat for the other processes so that HEALTHCHECK probes the right
# thing (docker/healthcheck.py).

# ------------------------------------------------------------------------------------- builder
FROM python:3.11-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# Compilers and headers, in case a dependency has no wheel for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential libpq-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

# Wheels of the project and all its dependencies (from pyproject.toml), then a virtualenv built
# from those wheels only. The project's own code runs from /app (PYTHONPATH), so its wheel is
# removed from the venv again: one copy of the code, and templates/static exactly as in the repo.
RUN python -m pip wheel --wheel-dir /wheels . \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-index --find-links /wheels /wheels/*.whl \
 && /opt/venv/bin/pip uninstall -y "$(python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["name"])')"

# ------------------------------------------------------------------------------------- runtime
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    JFB_DATA_DIR=/app/var \
    XDG_CACHE_HOME=/tmp/.cache \
    PORT=8000

# fonts-noto-cjk: Chinese glyphs in PDFs (certificates, reports); the rest are WeasyPrint's
# runtime libraries (Pango, HarfBuzz, FreeType via fontconfig, libffi for cffi, image codecs)
# and libpq for PostgreSQL.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-cjk \
      fontconfig \
      libpango-1.0-0 \
      libpangoft2-1.0-0 \
      libharfbuzz0b \
      libharfbuzz-subset0 \
      libffi8 \
      libjpeg62-turbo \
      libopenjp2-7 \
      shared-mime-info \
      libpq5 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 jifenbao \
 && useradd --system --uid 10001 --gid jifenbao --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin jifenbao

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
COPY . /app

# Static files are collected into the image with the production settings and served by
# whitenoise. The values below exist only for this build step (production settings refuse to
# load without them); they are not secrets and are not kept in the image's environment.
# Byte-code is compiled up front because the containers run with a read-only root filesystem.
RUN DJANGO_SECRET_KEY=collectstatic-build-step-only \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
    JFB_BASE_DOMAIN=build.invalid \
    python manage.py collectstatic --noinput \
 && python -m compileall -q /app

# The ECS tasks run with a read-only root filesystem and mount a task volume at /tmp; declaring
# it as a VOLUME makes ECS (and Docker) create that volume with the image's /tmp permissions
# (1777) instead of root-owned 0755, so the non-root user can write temporary files there.
VOLUME ["/tmp"]

USER 10001:10001

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["python", "/app/docker/healthcheck.py"]

CMD ["gunicorn", "--config", "/app/docker/gunicorn.conf.py", "config.wsgi:application"]
