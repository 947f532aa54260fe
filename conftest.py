"""Test run settings: the suite talks to the real PostgreSQL and Redis given by DATABASE_URL and
REDIS_URL (see the Makefile). Celery tasks run eagerly in tests unless a test starts a worker."""


def pytest_configure(config):
    from django.conf import settings

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from digibank.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
