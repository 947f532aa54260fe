from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from digibank.env import database_config, env_bool, env_choice, env_int


def test_it_falls_back_to_an_embedded_sqlite_file_without_database_url():
    config = database_config(environ={}, base_dir=Path("/srv/app"))
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert str(config["NAME"]) == "/srv/app/var/digibank.sqlite3"


def test_it_uses_postgresql_from_database_url():
    config = database_config(
        environ={"DATABASE_URL": "postgres://app:pw@db.internal:5433/digibank"},
        base_dir=Path("/srv"),
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "digibank",
        "app",
    )


def test_it_refuses_a_database_url_that_is_not_postgresql():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_config(environ={"DATABASE_URL": "mysql://x@y/z"}, base_dir=Path("/srv"))


def test_it_fails_fast_on_a_malformed_boolean_or_number():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", False, environ={"DJANGO_DEBUG": "maybe"})
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty"})
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ENV"):
        env_choice(
            "DJANGO_ENV",
            "development",
            ["development", "production"],
            environ={"DJANGO_ENV": "prod"},
        )


def test_the_test_run_talks_to_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _settings_module_in(environ: dict[str, str]) -> dict:
    """Import the settings module afresh in a subprocess with exactly this environment."""
    import json
    import subprocess
    import sys

    code = (
        "import json, digibank.settings as s; print(json.dumps({"
        "'engine': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        "'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG, 'email': s.EMAIL_BACKEND}))"
    )
    env = {"PATH": "/usr/bin:/bin", **environ}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(out.stdout)


def test_without_any_variable_the_app_runs_on_sqlite_with_eager_tasks():
    loaded = _settings_module_in({})
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["eager"] is True
    assert loaded["broker"] == "memory://"
    assert loaded["debug"] is True
    assert loaded["email"] == "django.core.mail.backends.console.EmailBackend"


def test_redis_url_selects_the_broker_and_turns_eager_off():
    loaded = _settings_module_in(
        {"REDIS_URL": "redis://127.0.0.1:6379/3", "EMAIL_HOST": "smtp.example.be"}
    )
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://127.0.0.1:6379/3"
    assert loaded["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_refuses_to_start_without_a_secret_key():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import digibank.settings"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_ENV": "production"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_passes_with_production_settings():
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-this-test-0123456789-abcdef",
        "PSEUDONYM_KEY": "another-long-random-key-for-pseudonymous-codes",
        "DJANGO_ALLOWED_HOSTS": "digibank.example.be",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/digibank",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
