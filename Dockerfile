# Production image: gunicorn serving the app, static files by whitenoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production
# WeasyPrint needs Pango; fonts for the PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir --upgrade "pip>=25.1" && pip install --no-cache-dir --group runtime
COPY . .
# Collect static files and compile translations at build time (dummy secrets: nothing is stored).
RUN DJANGO_SECRET_KEY=build PSEUDONYM_KEY=build python scripts/translations.py compile \
 && DJANGO_SECRET_KEY=build PSEUDONYM_KEY=build python manage.py collectstatic --noinput
RUN useradd --create-home --uid 1000 digibank && mkdir -p /app/var/media && chown -R digibank /app/var
USER digibank
EXPOSE 8000
CMD ["gunicorn", "digibank.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
