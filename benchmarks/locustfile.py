"""Load scenario: 50 digihelpers at the desk and 5 coordinators, against gunicorn.

    python benchmarks/load_data.py          # once: the load accounts
    locust -f benchmarks/locustfile.py --headless -u 55 -r 10 -t 120s --host http://127.0.0.1:8001

Desk users (weight 10) search visitors at the desk, register a participation for someone they
found and look at the day view of their digipunt;
coordinators (5, fixed) open the dashboard and reports. URLs are resolved by name with
django.urls.reverse in on_start; a task whose URL does not exist (yet) is skipped, so the
scenario runs on any stage of the app. Every user logs in through the real login form
(coordinators answer the TOTP step). Logging in hashes a password (about a second of CPU
each), once a day at a real desk: the statistics are reset when the last user has logged in,
so the figures are those of the desk and report pages under full load.
"""

from __future__ import annotations

import itertools
import logging
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digibank.settings")

import django  # noqa: E402

django.setup()

from django.urls import NoReverseMatch, reverse  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402

from benchmarks import load_data  # noqa: E402
from digibank.totp import totp_code  # noqa: E402
from tests.htmlforms import parse_forms  # noqa: E402

# Name fragments as typed at a desk, for the demo-like names and the benchmark's generated ones
# ("Voornaam123 Achternaam123"), and birth years.
SEARCHES = ["jan", "peeters", "mar", "els", "wouters", "moh", "van", "1956", "1948", "1961"]
SEARCHES += ["voornaam12", "achternaam7", "achternaam40", "voornaam3", "achter", "voorn"]
VISITOR_LINK = re.compile(r'href="(/bezoekers/\d+/deelname/)"')
LOCATION_OPTION = re.compile(r'<option value="(\d+)"')
CATEGORY_BOX = re.compile(r'name="([\w-]*categories)" value="(\d+)"')
_desk_numbers = itertools.count()
_coordinator_numbers = itertools.count()
_logged_in = itertools.count(1)


def url_for(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class LoggedInUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    url_names: dict[str, str] = {}

    def on_start(self) -> None:
        self.urls = {key: url_for(name) for key, name in self.url_names.items()}
        self.log_in()
        runner = self.environment.runner
        if runner is not None and next(_logged_in) == runner.target_user_count:
            logging.info("all %s users logged in: statistics reset", runner.target_user_count)
            runner.stats.reset_all()

    def account(self) -> tuple[str, str | None]:
        raise NotImplementedError

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def log_in(self) -> None:
        email, totp_secret = self.account()
        self.client.get("/accounts/login/", name="login form")
        response = self.client.post(
            "/accounts/login/",
            {"login": email, "password": load_data.PASSWORD, "csrfmiddlewaretoken": self._csrf()},
            name="login",
        )
        for _attempt in range(3):
            if not response.url.endswith("/accounts/2fa/authenticate/"):
                break
            # A code can be used once per period: wait for the next one if it was taken.
            response = self.client.post(
                "/accounts/2fa/authenticate/",
                {"code": totp_code(totp_secret), "csrfmiddlewaretoken": self._csrf()},
                name="login two-factor",
            )
            if response.url.endswith("/accounts/2fa/authenticate/"):
                time.sleep(30 - time.time() % 30 + 1)
        if response.url.rstrip("/").endswith("/accounts/login") or "2fa" in response.url:
            raise RuntimeError(f"{email} could not log in ({response.url})")

    def get(self, key: str, **params) -> None:
        url = self.urls.get(key)
        if url:
            self.client.get(url, params=params or None, name=key)


class DeskUser(LoggedInUser):
    weight = 10
    url_names = {"home": "home", "desk": "registration:desk"}

    def account(self) -> tuple[str, str | None]:
        return load_data.desk_email(next(_desk_numbers) % load_data.DESK_USERS), None

    def on_start(self) -> None:
        super().on_start()
        self.found: list[str] = []
        # Start working at one of the digibank's locations, as a digihelper does every morning.
        home = self.client.get("/", name="home")
        options = LOCATION_OPTION.findall(home.text)
        self.location = random.choice(options) if options else None
        if self.location:
            self.client.post(
                reverse("digibank:set_desk_location"),
                {"location": self.location, "csrfmiddlewaretoken": self._csrf()},
                name="choose desk location",
            )

    @task(2)
    def home(self) -> None:
        self.get("home")

    @task(5)
    def search(self) -> None:
        url = self.urls.get("desk")
        if not url:
            return
        response = self.client.get(url, params={"q": random.choice(SEARCHES)}, name="desk search")
        self.found = VISITOR_LINK.findall(response.text)[:10] or self.found

    @task(3)
    def register_participation(self) -> None:
        if not self.found:
            return
        url = random.choice(self.found)
        page = self.client.get(url, name="participation form")
        forms = [f for f in parse_forms(page.text) if f.method == "post" and f.action in ("", url)]
        if not forms:
            return
        data = forms[0].defaults()
        data.setdefault("form_of_service", "individual_support")
        # What the question was about: a digihelper ticks one or two kinds.
        boxes = CATEGORY_BOX.findall(page.text)
        if boxes:
            field = boxes[0][0]
            data[field] = random.sample([value for _, value in boxes], k=min(2, len(boxes)))
        with self.client.post(
            url, data, name="participation save", catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 302:
                response.failure(f"participation not saved: {response.status_code}")

    @task(2)
    def day_view(self) -> None:
        if self.location:
            self.client.get(reverse("sessions_app:day_view", args=[self.location]), name="day view")


class Coordinator(LoggedInUser):
    fixed_count = 5
    url_names = {
        "home": "home",
        "dashboard": "reporting:dashboard",
        "reports": "reporting:report_file_list",
        "locations": "digibank:location_list",
        "members": "digibank:member_list",
        "audit_log": "digibank:audit_log",
    }

    def account(self) -> tuple[str, str | None]:
        number = next(_coordinator_numbers) % load_data.COORDINATORS
        return load_data.coordinator_email(number), load_data.TOTP_SECRET

    @task(3)
    def dashboard(self) -> None:
        self.get("dashboard")

    @task(1)
    def reports(self) -> None:
        self.get("reports")

    @task(2)
    def home(self) -> None:
        self.get("home")

    @task(1)
    def lists(self) -> None:
        self.get(random.choice(["locations", "members", "audit_log"]))
