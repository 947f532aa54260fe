"""A real Celery worker (subprocess) against the real Redis and the test database: an
on-demand report is queued on commit, made by the worker, and readable when ready."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from digibank.celery import app
from registration.models import Participation, Visitor
from reporting import services
from reporting.models import ReportFile
from tests.factories import DigibankFactory
from tests.registration_factories import ParticipationFactory, VisitorFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_celery(monkeypatch):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    monkeypatch.setattr(settings, "CELERY_TASK_ALWAYS_EAGER", False, raising=False)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def worker(real_celery, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DATABASE_CONN_MAX_AGE": "0",
    }
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "digibank",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """The test database in autocommit, so that the worker sees what the test writes. No
    django_db mark: a transactional test would flush the database afterwards (and with it the
    seeded data of data migrations); this fixture removes exactly what the test made."""
    with django_db_blocker.unblock():
        made: list = []
        yield made
        for digibank in made:
            ReportFile.objects.filter(digibank=digibank).delete()
            Participation.objects.filter(digibank=digibank).delete()
            Visitor.objects.filter(digibank=digibank).delete()
            digibank.delete()


def test_a_real_worker_makes_the_report_queued_on_commit(committed_db, worker, tmp_path):
    digibank = DigibankFactory(slug="worker-test", start_date=dt.date(2024, 1, 1))
    committed_db.append(digibank)
    visitor = VisitorFactory(digibank=digibank, first_name="Wanda", last_name="Worker")
    ParticipationFactory(visitor=visitor)  # 12 March 2025
    report = services.report_file_request(
        actor=None,
        digibank=digibank,
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 31),
        fmt="csv",
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in (ReportFile.Status.READY, ReportFile.Status.FAILED):
            break
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        time.sleep(0.5)
    log = (tmp_path / "worker.log").read_text()
    assert report.status == ReportFile.Status.READY, log
    with report.file.open("rb") as handle:
        content = handle.read().decode("utf-8-sig")
    assert visitor.pseudonymous_code in content
    assert "Wanda" not in content
    assert "generate_report" in log
