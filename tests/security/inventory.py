"""Every URL of the project, found by walking the URL resolver, with real ids to fill it.

The security suite runs its checks over `routes()`, so a view added by any app is covered
without touching these tests. What a view needs to be tested is read from the view itself:
`digibank.access.role_required` marks `allowed_roles`, `digibank.access.public_view` marks
`public`. An int path argument is filled with the id of a real object of the model the URL
is about: the model is found from the argument's name (`visitor_pk` -> `Visitor`) or, for
`pk`, from the URL name (`digibank:location_edit` -> `Location`); `URL_MODELS` overrides.
Objects are made by the `CREATORS` below or by the app's factory_boy factory (any
`tests/*factories.py` or `tests/<app>/factories.py`), scoped to the digibank under test.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import factory
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from digibank.models import Digibank, Invitation, Membership, Role

# -- Which URLs are what ---------------------------------------------------------------------

# Pages anyone may open without logging in, besides views marked with `public_view`:
# allauth's login, sign-up (closed: it says so), password reset and login stages, and
# Django's language switch.
PUBLIC_URL_NAMES = frozenset(
    {
        "account_login",
        "account_signup",
        "account_inactive",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_confirm_login_code",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "mfa_authenticate",
        "set_language",
    }
)

# Views open to every logged-in user (they scope what they show themselves); every other
# non-public view must carry a role decorator (`allowed_roles`).
LOGIN_ONLY_URL_NAMES = frozenset(
    {
        "home",
        "account_logout",
        "digibank:switch_digibank",
        "digibank:set_desk_location",
        "account_email",
        "account_change_password",
        "account_set_password",
        "account_reauthenticate",
        "mfa_index",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)

# Path prefixes outside this suite: Django's admin (staff only, its own login) is checked
# separately in test_access.py.
SKIPPED_PREFIXES = ("admin/",)

# When the model behind an int argument cannot be read from its name: {url name: {arg: model}}.
URL_MODELS: dict[str, dict[str, str]] = {
    "registration:participation_create": {"pk": "registration.Visitor"},
    "registration:follow_up_done": {"pk": "registration.HelpQuestion"},
    "registration:merge_undo": {"pk": "registration.VisitorMerge"},
    "registration:visitor_merge": {
        "pk": "registration.Visitor",
        "other_pk": "registration.Visitor#2",
    },
    "registration:import_preview": {"pk": "registration.ImportBatch"},
    "registration:import_discard": {"pk": "registration.ImportBatch"},
    "sessions_app:session_create": {"pk": "sessions_app.Activity"},
    "sessions_app:enrol": {"pk": "sessions_app.Activity"},
    "sessions_app:roll_call": {"pk": "sessions_app.Session"},
    "sessions_app:roll_call_walk_in": {"pk": "sessions_app.Session"},
    "sessions_app:roll_call_anonymous": {"pk": "sessions_app.Session"},
    "sessions_app:theme_wish_add": {"pk": "sessions_app.Session"},
    "sessions_app:opening_hours": {"pk": "digibank.Location"},
    "sessions_app:day_view": {"pk": "digibank.Location"},
    "sessions_app:walk_in_add": {"pk": "digibank.Location"},
}

# Values for non-int arguments, by "url name:argument" or by argument name; a callable gets
# the World and the side.
ARG_VALUES: dict[str, Callable[[World, str], str] | str] = {
    # A service asked about this year (the help question's), so the signal page has content.
    "reporting:signal_detail:key": lambda world, side: (
        world.object_for(apps.get_model("registration.HelpQuestion"), side).concerned_service_key
    ),
    "token": lambda world, side: world.object_for(Invitation, side).token,
    "slug": lambda world, side: world.digibank(side).slug,  # public programme, privacy page
    "key": "not-a-real-key",
    "uidb36": "1",
}

# What a POST to a URL needs besides its path, by URL name (a callable gets the World and the
# side); without it the view rightly answers 404 for "no such visitor" whoever asks.
POST_DATA: dict[str, Callable[[World, str], dict]] = {
    "sessions_app:roll_call_walk_in": lambda world, side: {
        "visitor": world.object_for(apps.get_model("registration.Visitor"), side).pk
    },
    # A referrer may only cancel (any other status answers 404 to them).
    "sessions_app:appointment_status": lambda world, side: {"status": "cancelled"},
}

ALL_ROLES = (Role.VOLUNTEER, Role.COORDINATOR, Role.REFERRER, Role.DEPARTMENT)
DIGIBANK_ROLES = (Role.VOLUNTEER, Role.COORDINATOR, Role.REFERRER)


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    view: Callable
    args: dict[str, str]  # argument name -> "int" or "str"

    @property
    def public(self) -> bool:
        return bool(getattr(self.view, "public", False)) or self.name in PUBLIC_URL_NAMES

    @property
    def allowed_roles(self) -> frozenset[str] | None:
        roles = getattr(self.view, "allowed_roles", None)
        return frozenset(roles) if roles is not None else None

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0].split(":")[0]

    @property
    def local_name(self) -> str:
        return self.name.rpartition(":")[2]

    @property
    def is_project_view(self) -> bool:
        """Our own view (not allauth's or Django's)."""
        module = getattr(self.view, "__module__", "") or ""
        return module.split(".")[0] in project_app_labels()

    def __str__(self) -> str:
        return self.name


def project_app_labels() -> set[str]:
    """Our apps: under BASE_DIR, but not the packages of a virtualenv kept there (`.venv/`),
    whose `django.contrib.sessions` rows would otherwise count as our data."""
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and "site-packages" not in Path(config.path).resolve().relative_to(base).parts
    }


def _walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            if pattern.lstrip("^").startswith(SKIPPED_PREFIXES):
                continue
            if not entry.name:
                raise AssertionError(f"URL pattern {pattern!r} has no name: give it one")
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            args: dict[str, str] = {}
            if isinstance(entry.pattern, RoutePattern):
                for arg, converter in entry.pattern.converters.items():
                    args[arg] = "int" if converter.regex == "[0-9]+" else "str"
            elif isinstance(entry.pattern, RegexPattern):
                args = dict.fromkeys(entry.pattern.regex.groupindex, "str")
            yield Route(pattern=pattern, name=name, view=entry.callback, args=args)


def routes() -> list[Route]:
    """Every named URL of the project (admin excepted), one Route per pattern."""
    seen: dict[tuple[str, str], Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault((route.name, route.pattern), route)
    return list(seen.values())


# -- Models behind int arguments -------------------------------------------------------------


def _models_by_name() -> dict[str, type[models.Model]]:
    labels = project_app_labels()
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        if model._meta.app_label in labels:
            found.setdefault(model._meta.model_name, model)
    return found


def model_for_argument(route: Route, arg: str) -> type[models.Model]:
    override = URL_MODELS.get(route.name, {}).get(arg)
    if override:
        return apps.get_model(override.partition("#")[0])
    by_name = _models_by_name()
    if arg not in ("pk", "id"):
        stem = arg.removesuffix("_pk").removesuffix("_id").replace("_", "")
        if stem in by_name:
            return by_name[stem]
    tokens = route.local_name.split("_")
    for end in range(len(tokens), 0, -1):
        candidate = "".join(tokens[:end])
        if candidate in by_name:
            return by_name[candidate]
    raise AssertionError(
        f"Cannot tell which model {route.name} <{arg}> is about: name the URL after its model "
        f"(e.g. visitor_detail) or add it to URL_MODELS in tests/security/inventory.py"
    )


# -- Objects in a digibank -------------------------------------------------------------------


def _factories() -> dict[type[models.Model], type[factory.django.DjangoModelFactory]]:
    """Every factory_boy model factory under tests/, by model."""
    import tests

    found: dict = {}
    module_names = []
    root = Path(tests.__file__).parent
    for info in pkgutil.walk_packages([str(root)], prefix="tests."):
        last = info.name.rsplit(".", 1)[-1]
        if last == "factories" or last.endswith("_factories"):
            module_names.append(info.name)
    for module_name in sorted(module_names):
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.django.DjangoModelFactory)
                and value._meta.model is not None
                and not value._meta.abstract
            ):
                found.setdefault(value._meta.model, value)
    return found


def path_to_digibank(model: type[models.Model], depth: int = 3) -> str | None:
    """The lookup path from `model` to its Digibank (`"digibank"`, `"visitor__digibank"`)."""
    if model is Digibank:
        return ""
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    for _ in range(depth):
        next_frontier = []
        for current, prefix in frontier:
            for f in current._meta.get_fields():
                if not (f.is_relation and f.concrete and (f.many_to_one or f.one_to_one)):
                    continue
                path = f"{prefix}{f.name}"
                if f.related_model is Digibank:
                    return path
                next_frontier.append((f.related_model, f"{path}__"))
        frontier = next_frontier
    return None


def scope_kwargs(factory_cls, digibank: Digibank, depth: int = 4) -> dict[str, Digibank]:
    """Arguments that put everything a factory makes into `digibank`.

    A field the factory derives (`digibank = SelfAttribute("visitor.digibank")`) is left to
    it; sub-factories get `<field>__digibank` (or deeper, following their own declarations)
    so related objects stay inside too.
    """
    declarations = factory_cls._meta.declarations
    model = factory_cls._meta.model
    kwargs: dict[str, Digibank] = {}
    for f in model._meta.get_fields():
        if not (f.is_relation and f.concrete and (f.many_to_one or f.one_to_one)):
            continue
        declared = declarations.get(f.name)
        if f.related_model is Digibank:
            if declared is None or isinstance(declared, factory.SubFactory):
                kwargs[f.name] = digibank
        elif isinstance(declared, factory.SubFactory) and depth > 0:
            try:
                inner = scope_kwargs(declared.get_factory(), digibank, depth - 1)
            except AssertionError:  # a sub-factory outside any digibank (a user)
                continue
            # What the sub-factory declaration sets itself (`visitor=SelfAttribute("..visitor")`)
            # follows the parent already.
            own = set(getattr(declared, "_defaults", {}))
            kwargs.update(
                {
                    f"{f.name}__{key}": value
                    for key, value in inner.items()
                    if key.split("__")[0] not in own
                }
            )
    if not kwargs:
        path = path_to_digibank(model)
        if path is None:
            raise AssertionError(f"{model.__name__} has no path to a Digibank")
        kwargs[path] = digibank
    return kwargs


def _create_membership(world: World, digibank: Digibank) -> Membership:
    from tests.factories import make_member

    user = make_member(Role.VOLUNTEER, digibank, name=world.personal_name("Lid"))
    return user.memberships.get(digibank=digibank)


def _create_invitation(world: World, digibank: Digibank) -> Invitation:
    return Invitation.objects.create(
        digibank=digibank,
        email=f"uitgenodigd.{digibank.slug}@example.be",
        role=Role.VOLUNTEER,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )


def _made_by(role: str, factory_path: str, user_field: str, *, organisation: bool = False):
    """Objects a member made: a referrer sees only the appointments and enrolments they made
    themselves; a report file names the coordinator who asked for it (department staff must
    not see that name). The suite's object is made by that member of its digibank."""

    def create(world: World, digibank: Digibank) -> models.Model:
        module_name, _, name = factory_path.rpartition(".")
        factory_cls = getattr(importlib.import_module(module_name), name)
        member = world.member(role, "ours" if digibank == world.ours else "theirs")
        extra = {user_field: member}
        if organisation:
            extra["referrer_organisation"] = member.memberships.get(digibank=digibank).organisation
        return factory_cls(**scope_kwargs(factory_cls, digibank), **extra)

    return create


CREATORS: dict[type[models.Model], Callable[[World, Digibank], models.Model]] = {
    Digibank: lambda world, digibank: digibank,
    Membership: _create_membership,
    Invitation: _create_invitation,
}


def _app_creators() -> dict[str, Callable[[World, Digibank], models.Model]]:
    return {
        "sessions_app.Appointment": _made_by(
            Role.REFERRER,
            "tests.sessions_app.factories.AppointmentFactory",
            "booked_by",
            organisation=True,
        ),
        "sessions_app.Enrolment": _made_by(
            Role.REFERRER,
            "tests.sessions_app.factories.EnrolmentFactory",
            "enrolled_by",
            organisation=True,
        ),
        "reporting.ReportFile": _made_by(
            Role.COORDINATOR, "tests.reporting.factories.ReportFileFactory", "requested_by"
        ),
    }


@dataclass
class World:
    """Two digibanks ("ours" and "theirs") with a member of every role and objects on demand."""

    ours: Digibank
    theirs: Digibank
    members: dict[tuple[str, str], object] = field(default_factory=dict)
    objects: dict[tuple, models.Model] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    @classmethod
    def build(cls) -> World:
        from tests.factories import DigibankFactory, make_member

        world = cls(
            ours=DigibankFactory(name="Digibank Onze", slug="onze"),
            theirs=DigibankFactory(name="Digibank Andere", slug="andere"),
        )
        for side, digibank in (("ours", world.ours), ("theirs", world.theirs)):
            for role in DIGIBANK_ROLES:
                world.members[(role, side)] = make_member(
                    role,
                    digibank,
                    name=world.personal_name(f"{role}-{side}"),
                    email=f"{role}.{side}@example.be",
                )
        world.members[(Role.DEPARTMENT, "ours")] = make_member(
            Role.DEPARTMENT, name="Departement Medewerker", email="departement@example.be"
        )
        world.members[(Role.DEPARTMENT, "theirs")] = world.members[(Role.DEPARTMENT, "ours")]
        return world

    def personal_name(self, tag: str) -> str:
        name = f"Zoë Persoonsnaam {tag}"
        self.names.append(name)
        return name

    def digibank(self, side: str) -> Digibank:
        return self.ours if side == "ours" else self.theirs

    def member(self, role: str, side: str = "ours"):
        return self.members[(role, side)]

    def object_for(self, model: type[models.Model], side: str, tag: str = "") -> models.Model:
        """The object of `model` in the side's digibank; another `tag` makes a second one."""
        key = (model, side, tag) if tag else (model, side)
        if key not in self.objects:
            self.objects[key] = self._create(model, self.digibank(side))
        return self.objects[key]

    def _create(self, model: type[models.Model], digibank: Digibank) -> models.Model:
        if model in CREATORS:
            return CREATORS[model](self, digibank)
        app_creator = _app_creators().get(model._meta.label)
        if app_creator:
            return app_creator(self, digibank)
        factories = _factories()
        if model not in factories:
            raise AssertionError(
                f"No way to make a {model.__name__} for the security suite: add a factory_boy "
                f"factory in tests/<app>/factories.py or a creator in CREATORS"
            )
        return factories[model](**scope_kwargs(factories[model], digibank))

    def url(self, route: Route, side: str = "ours") -> str:
        kwargs = {}
        for arg, kind in route.args.items():
            if kind == "int":
                tag = URL_MODELS.get(route.name, {}).get(arg, "").partition("#")[2]
                kwargs[arg] = self.object_for(model_for_argument(route, arg), side, tag).pk
            else:
                value = ARG_VALUES.get(f"{route.name}:{arg}", ARG_VALUES.get(arg, "x"))
                kwargs[arg] = value(self, side) if callable(value) else value
        try:
            return reverse(route.name, kwargs=kwargs)
        except NoReverseMatch as error:
            raise AssertionError(
                f"Cannot build {route.name} with {kwargs}: add its argument to ARG_VALUES"
            ) from error

    def fill(self) -> None:
        """Make the objects of every URL with an id in both digibanks: visitors, loans,
        appointments, report files ..., so pages have people (with names) to show or hide."""
        for route in routes():
            if "int" in route.args.values():
                for side in ("ours", "theirs"):
                    self.url(route, side)

    def personal_values(self, *, except_user=None) -> list[str]:
        """Names and e-mail addresses of people (members and, once they exist, visitors)."""
        from digibank.models import User

        values = [
            value
            for user in User.objects.exclude(pk=getattr(except_user, "pk", None))
            for value in (user.name, user.email)
            if value
        ]
        for model in apps.get_models():
            if model._meta.app_label not in project_app_labels() or model is User:
                continue
            personal = [
                f.name
                for f in model._meta.get_fields()
                if f.concrete and f.name in PERSONAL_FIELD_NAMES
            ]
            if personal:
                for row in model.objects.values_list(*personal):
                    values.extend(str(v) for v in row if v and len(str(v)) >= 4)
        return values


PERSONAL_FIELD_NAMES = frozenset(
    {"first_name", "last_name", "email", "phone", "phone_number", "mobile", "birth_date"}
)
