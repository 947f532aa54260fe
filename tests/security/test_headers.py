"""Security headers on every kind of answer; HSTS in production."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from tests.access import client_for

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_login_page_has_every_security_header():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_after_login_errors_and_refusals_have_them_too(volunteer, coordinator):
    volunteer_client = client_for(volunteer)
    for response in (
        volunteer_client.get("/"),  # a page
        volunteer_client.get("/beheer/locaties/"),  # 403
        volunteer_client.get("/bestaat-niet/"),  # 404
        client_for(coordinator).get("/beheer/locaties/"),
        Client().get("/"),  # redirect to login
    ):
        assert_security_headers(response)


@pytest.mark.django_db
def test_no_hsts_outside_production():
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/", secure=True)


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_configured(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/")  # not over http


def test_production_settings_switch_on_hsts_and_keep_the_csp():
    code = (
        "import json, digibank.settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        "'ssl': s.SECURE_SSL_REDIRECT, 'cookie': s.SESSION_COOKIE_SECURE,"
        "'csrf': s.CSRF_COOKIE_SECURE, 'csp': s.CONTENT_SECURITY_POLICY,"
        "'middleware': s.MIDDLEWARE}))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-this-test-0123456789-abcdef",
        "PSEUDONYM_KEY": "another-long-random-key-for-pseudonymous-codes",
        "DJANGO_ALLOWED_HOSTS": "digibank.example.be",
    }
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    loaded = json.loads(out.stdout)
    assert loaded["hsts"] >= 31536000 and loaded["sub"] is True
    assert loaded["ssl"] and loaded["cookie"] and loaded["csrf"]
    assert loaded["csp"]["DIRECTIVES"] == EXPECTED_CSP
    assert "csp.middleware.CSPMiddleware" in loaded["middleware"]
