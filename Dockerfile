# WQIP Portal: one image for the web (gunicorn), the Celery worker(s) and the one beat.
# docker compose up (compose.yaml) runs it with PostgreSQL 16 and Redis; docs/operations.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.prod \
    WQIP_VAR_DIR=/app/var \
    PRIVATE_MEDIA_ROOT=/data/private

# WeasyPrint (PDF statements, letters) needs Pango, HarfBuzz and fontconfig with a font;
# nothing else from the system (the PostgreSQL client programs come with the pgserver wheel)
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        libfontconfig1 fonts-dejavu-core shared-mime-info \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --create-home --shell /usr/sbin/nologin wqip

WORKDIR /app

# the dependencies first (pinned by constraints.txt), so a code change reuses this layer
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY manage.py ./
COPY portal ./portal
COPY payments ./payments
COPY disputes ./disputes
COPY programs ./programs
COPY templates ./templates
COPY static ./static

# static files collected (and compressed, with hashed names) into the image; the values below
# exist only for this step: nothing connects to a database or broker here. The project's
# bytecode is compiled into the image too: PYTHONDONTWRITEBYTECODE stops Python writing it at
# run time, so without it every process (each manage.py command, worker, gunicorn worker)
# would compile the project's ≈180 modules from source again (≈0.2 s of CPU each)
RUN SECRET_KEY=collectstatic-at-build-time-only-not-used-at-run-time-0123456789 \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
    REDIS_URL=redis://127.0.0.1:6379/1 \
    python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q manage.py portal payments disputes programs \
    && mkdir -p /data/private /app/var \
    && chown -R wqip:wqip /data /app/var

USER wqip
EXPOSE 8000
# the web process; compose.yaml runs the worker and beat from the same image
CMD ["python", "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi"]
