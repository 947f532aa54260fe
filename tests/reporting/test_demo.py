import datetime as dt
import random
from types import SimpleNamespace

import pytest

from reporting import demo
from reporting.models import ReportFile

pytestmark = pytest.mark.django_db


def test_last_full_periods():
    assert demo.last_full_periods(dt.date(2025, 5, 14)) == [
        (dt.date(2025, 4, 1), dt.date(2025, 4, 30)),
        (dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    ]


def test_the_demo_has_ready_report_files(dataset, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleNamespace(
        digibank=dataset.digibank, today=dt.date(2025, 4, 10), rng=random.Random(1)
    )
    demo.seed(fake)
    files = ReportFile.objects.filter(digibank=dataset.digibank)
    assert files.count() == 6
    assert all(f.is_ready for f in files)
