# Production image: gunicorn + whitenoise; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-liberation2 fonts-noto-core poppler-utils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY portal portal
COPY units units
COPY campaigns campaigns
COPY awards awards
COPY reports reports
RUN pip install .
COPY . .
# DEBUG=0 as at run time, so the hashed-name manifest (staticfiles.json) that whitenoise's
# CompressedManifestStaticFilesStorage needs is written (collectstatic needs no SECRET_KEY).
RUN DEBUG=0 python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 thidua && mkdir -p /srv/thidua/media && chown -R thidua /srv/thidua
USER thidua
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
