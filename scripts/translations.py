"""Translations without GNU gettext for compiling and checking (polib), with it for extracting.

    python scripts/translations.py make      # update every .po from the code (needs xgettext)
    python scripts/translations.py compile   # .po -> .mo (no gettext needed)
    python scripts/translations.py check     # fail on a fuzzy or untranslated Dutch string
    python scripts/translations.py fill PO JSON  # fill untranslated entries from {msgid: msgstr}

Each app keeps its own catalogue in `<app>/locale/`; the project-wide templates and the
`digibank` package share `locale/`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APPS = ["registration", "lending", "sessions_app", "reporting"]
LANGS = ["nl", "en"]


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("locale/*/LC_MESSAGES/django.po")) + sorted(
        p for app in APPS for p in (ROOT / app).glob("locale/*/LC_MESSAGES/django.po")
    )


def make() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digibank.settings"}
    common = ["makemessages", "--no-obsolete", "--no-location", "--no-wrap"]
    for lang in LANGS:
        common += ["-l", lang]
    ignore = [f"--ignore={app}/*" for app in APPS] + [
        "--ignore=.venv/*",
        "--ignore=tests/*",
        "--ignore=benchmarks/*",
        "--ignore=staticfiles/*",
        "--ignore=var/*",
    ]
    subprocess.run([sys.executable, "manage.py", *common, *ignore], cwd=ROOT, env=env, check=True)  # noqa: S603
    for app in APPS:
        (ROOT / app / "locale").mkdir(exist_ok=True)
        subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *common], cwd=ROOT / app, env=env, check=True
        )
    drop_fuzzy_guesses()
    check(report_only=True)


def drop_fuzzy_guesses() -> None:
    """msgmerge guesses translations for new strings from similar old ones ("fuzzy"); such a
    guess is often wrong, so it is cleared and the string shows up as untranslated instead."""
    for po_path in catalogues():
        po = polib.pofile(str(po_path), wrapwidth=0)
        changed = False
        for entry in po:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
                changed = True
        if changed:
            po.save()


def compile_all() -> None:
    for po_path in catalogues():
        polib.pofile(str(po_path), wrapwidth=0).save_as_mofile(str(po_path.with_suffix(".mo")))


def check(report_only: bool = False) -> None:
    problems = []
    for po_path in catalogues():
        if "/nl/" not in str(po_path):
            continue
        po = polib.pofile(str(po_path), wrapwidth=0)
        for entry in po:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{po_path.relative_to(ROOT)}: fuzzy: {entry.msgid!r}")
            elif not entry.translated():
                problems.append(f"{po_path.relative_to(ROOT)}: untranslated: {entry.msgid!r}")
    for line in problems:
        print(line)
    if problems and not report_only:
        sys.exit(f"{len(problems)} Dutch strings are missing or fuzzy.")
    if not problems:
        print("All Dutch strings are translated.")


def fill(po_path: str, json_path: str) -> None:
    import json

    translations = json.loads(Path(json_path).read_text(encoding="utf-8"))
    po = polib.pofile(po_path, wrapwidth=0)
    filled = 0
    for entry in po:
        if entry.msgid in translations and (not entry.translated() or "fuzzy" in entry.flags):
            value = translations[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = (
                    {0: value[0], 1: value[1]} if isinstance(value, list) else {0: value, 1: value}
                )
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save()
    print(f"{filled} entries filled in {po_path}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "fill":
        fill(sys.argv[2], sys.argv[3])
    else:
        {"make": make, "compile": compile_all, "check": check}[command]()
