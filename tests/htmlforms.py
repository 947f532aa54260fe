"""Read the forms of a rendered page and fill them in as a person would.

Used by the security suite (type HTML into every text field of every form) and by the load
scenario (submit the desk's registration form with its defaults). Standard library only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_TYPES = frozenset({"text", "search", "tel", "url", ""})


@dataclass
class Field:
    tag: str  # input, textarea, select
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    required: bool = False
    maxlength: int | None = None
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)
    disabled: bool = False

    @property
    def is_text(self) -> bool:
        return (self.tag == "input" and self.type in TEXT_TYPES) or self.tag == "textarea"


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)

    @property
    def has_file_input(self) -> bool:
        return any(f.tag == "input" and f.type == "file" for f in self.fields)

    def defaults(self) -> dict[str, list[str]]:
        """What the browser would send untouched (checked boxes, selected options, values)."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.disabled or not f.name:
                continue
            if f.tag == "select":
                chosen = [v for v, selected in f.options if selected]
                if not chosen and f.options:
                    chosen = [f.options[0][0]]
                data.setdefault(f.name, []).extend(chosen[:1])
            elif f.type in ("checkbox", "radio"):
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.type in ("submit", "button", "reset", "image", "file"):
                continue
            else:
                data.setdefault(f.name, []).append(f.value)
        return data

    def filled(self, text: str, *, today: dt.date | None = None) -> dict[str, list[str]]:
        """Defaults, with `text` in every text field and plausible values everywhere else."""
        today = today or dt.date.today()
        data = self.defaults()
        radio_done: set[str] = set()
        for f in self.fields:
            if f.disabled or not f.name or f.name == "csrfmiddlewaretoken":
                continue
            if f.is_text:
                value = text if f.maxlength is None else text[: f.maxlength]
                data[f.name] = [value]
            elif f.tag == "input" and f.type == "email":
                data[f.name] = ["veilig@example.be"]
            elif f.tag == "input" and f.type == "number":
                data[f.name] = [f.value or "1"]
            elif f.tag == "input" and f.type == "date":
                data[f.name] = [f.value or today.isoformat()]
            elif f.tag == "input" and f.type == "time":
                data[f.name] = [f.value or "10:00"]
            elif f.tag == "input" and f.type == "password":
                data[f.name] = ["Een-lang-wachtwoord-2025"]
            elif f.tag == "select":
                non_empty = [v for v, _ in f.options if v]
                if non_empty and not any(data.get(f.name, [""])):
                    data[f.name] = [non_empty[0]]
            elif f.type == "radio" and f.name not in data and f.name not in radio_done:
                data[f.name] = [f.value]
                radio_done.add(f.name)
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(
                action=a.get("action", ""),
                method=a.get("method", "get").lower(),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        common = {
            "name": a.get("name", ""),
            "required": "required" in a,
            "disabled": "disabled" in a,
            "maxlength": int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None,
        }
        if tag == "input":
            self._form.fields.append(
                Field(
                    tag="input",
                    type=a.get("type", "text").lower(),
                    value=a.get("value", ""),
                    checked="checked" in a,
                    **common,
                )
            )
        elif tag == "button" and a.get("name"):
            # A named submit button sends its value only when clicked: keep it out of defaults.
            self._form.fields.append(
                Field(tag="input", type="submit", value=a.get("value", ""), **common)
            )
        elif tag == "textarea":
            self._textarea = Field(tag="textarea", type="textarea", **common)
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(tag="select", type="select", **common)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option = (a.get("value"), "selected" in a)
            self._option_text = ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._select is not None:
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None

    def _close_option(self):
        if self._select is None or self._option is None:
            return
        value, selected = self._option
        self._select.options.append(
            (value if value is not None else self._option_text.strip(), selected)
        )
        self._option = None
        self._option_text = ""


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms
