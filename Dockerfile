# Convoy production image: one image for web (gunicorn), worker (celery) and migrate.
# Build: docker build -t convoy:latest .     Run: see docker-compose.yml
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Unprivileged runtime user. The code stays root-owned (read-only to the app);
# only /app/var (settings' fallback secret-key file) is writable by it.
RUN groupadd --system --gid 10001 convoy \
 && useradd --system --uid 10001 --gid convoy --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin convoy

# Dependencies first so the layer is cached until requirements.txt changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# The throwaway key lives only in this RUN's environment; it is not persisted as ENV.
# DEBUG is unset, so this writes whitenoise's compressed, hashed manifest to /app/staticfiles.
RUN SECRET_KEY=collectstatic-only-not-a-real-key python manage.py collectstatic --noinput \
 && mkdir -p /app/var \
 && chown convoy:convoy /app/var

USER 10001:10001

EXPOSE 8000

CMD ["gunicorn", "convoy.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
