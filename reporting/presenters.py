"""Turn indicator data into generic sections (title, tables, chart) the screens render.

A table is `{"caption", "columns": [..], "rows": [[first cell, *values]]}`; the first cell of a
row is a row header. Every share is shown as "percent (count/denominator)".
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from reporting import charts
from reporting.indicators import FORMS, PROFILE_DIMENSIONS, _categories
from reporting.labels import label


def share(value: dict) -> str:
    if value["percent"] is None:
        return f"- (0/{value['denominator']})"
    return f"{value['percent']}% ({value['count']}/{value['denominator']})"


def _table(caption: str, columns: list[str], rows: list[list]) -> dict:
    return {"caption": caption, "columns": columns, "rows": rows}


def _profile_tables(profile: dict, groups: list[tuple[str, str]], dimensions=None) -> list[dict]:
    tables = []
    for dimension in dimensions or PROFILE_DIMENSIONS:
        rows = [
            [label(dimension, code), *(profile[g][dimension].get(code, 0) for g, _n in groups)]
            for code in _categories(dimension)
        ]
        tables.append(
            _table(label("field", dimension), [_("Category"), *(n for _g, n in groups)], rows)
        )
    return tables


def _not_available(number: str, title: str, result: dict) -> dict:
    return {"number": number, "title": title, "unavailable": result.get("reason"), "tables": []}


def _delegated_tables(result: dict) -> list[dict]:
    """Indicators 10 and 11 come from other apps: show their numbers as key/value rows."""
    rows = []
    for key, value in result.items():
        if key == "available":
            continue
        if isinstance(value, dict) and {"count", "denominator"} <= set(value):
            value = share(value)
        elif isinstance(value, dict | list):
            continue
        rows.append([key.replace("_", " "), value])
    return [_table(_("Numbers"), [_("Item"), _("Value")], rows)]


def indicator_sections(data: dict) -> list[dict]:
    ind = data["indicators"]
    sections = []

    u = ind["1"]
    sections.append(
        {
            "number": "1",
            "title": _("Unique visitors across services"),
            "chart": charts.bar_chart(
                [(label("form", f), u["by_service_form"][f]) for f in FORMS],
                title=_("Unique visitors per form of service"),
            ),
            "tables": [
                _table(
                    _("Reach"),
                    [_("Item"), _("Number")],
                    [
                        [_("Unique visitors"), u["total"]],
                        [_("New (first participation in this period)"), u["new"]],
                        [_("Took part before"), u["already_known"]],
                        [_("Since the start"), u["cumulative"]],
                        [_("Target"), u["target"]],
                        [_("Progress to the target"), share(u["progress"])],
                        [_("Participations"), u["participations"]],
                        [_("Anonymous participations"), u["anonymous_participations"]],
                    ],
                ),
                _table(
                    _("Per form of service"),
                    [_("Form of service"), _("Unique visitors"), _("Participations")],
                    [
                        [
                            label("form", f),
                            u["by_service_form"][f],
                            u["participations_by_service_form"][f],
                        ]
                        for f in FORMS
                    ],
                ),
                _table(
                    _("Per month"),
                    [_("Month"), _("Unique visitors"), _("New"), _("Participations")],
                    [
                        [m["month"], m["unique"], m["new"], m["participations"]]
                        for m in u["by_month"]
                    ],
                ),
            ],
        }
    )

    r = ind["2"]
    sections.append(
        {
            "number": "2",
            "title": _("Returning visitors"),
            "tables": [
                _table(
                    _("Returning (on 2 or more days) and one-time visitors"),
                    [_("Item"), _("Share")],
                    [
                        [_("Returning"), share(r["returning"])],
                        [_("One time"), share(r["one_time"])],
                        [
                            _("Returning, using several forms"),
                            share(r["returning_using_several_forms"]),
                        ],
                    ],
                ),
                _table(
                    _("Combinations of forms of service (returning visitors)"),
                    [_("Combination"), _("Visitors")],
                    [[label("combination", k), v] for k, v in r["combinations_returning"].items()],
                ),
                *_profile_tables(
                    r["profile"], [("returning", _("Returning")), ("one_time", _("One time"))]
                ),
            ],
        }
    )

    loc = ind["3"]
    sections.append(
        {
            "number": "3",
            "title": _("Locations"),
            "chart": charts.bar_chart(
                [
                    (row["name"] or _("No location"), row["unique_visitors"])
                    for row in loc["locations"]
                ],
                title=_("Unique visitors per location"),
            ),
            "tables": [
                _table(
                    _("Participations / unique visitors per location and form of service"),
                    [_("Location"), _("Total"), *(label("form", f) for f in FORMS)],
                    [
                        [
                            row["name"] or _("No location"),
                            f"{row['participations']} / {row['unique_visitors']}",
                            *(
                                f"{row['by_service_form'][f]['participations']} / "
                                f"{row['by_service_form'][f]['unique']}"
                                for f in FORMS
                            ),
                        ]
                        for row in loc["locations"]
                    ],
                ),
                *(
                    _table(
                        _("Ramp-up of %(name)s (first activity %(date)s)")
                        % {"name": new["name"], "date": new["first_activity"]},
                        [_("Month"), _("Unique visitors")],
                        [[m["month"], m["unique"]] for m in new["by_month"]],
                    )
                    for new in loc["new_locations"]
                ),
            ],
        }
    )

    def cross(number: str, title: str, result: dict, first: str, empty: str) -> dict:
        codes = _categories("target_groups")
        return {
            "number": number,
            "title": title,
            "note": _("A visitor can belong to several target groups; rows do not add up."),
            "tables": [
                _table(
                    title,
                    [first, _("Unique visitors"), *(label("target_groups", c) for c in codes)],
                    [
                        [row["name"] or empty, row["unique_visitors"]]
                        + [row["target_groups"][c] for c in codes]
                        for row in result["rows"]
                    ],
                )
            ],
        }

    sections.append(
        cross("4", _("Target group per location"), ind["4"], _("Location"), _("No location"))
    )

    ref = ind["5"]
    sections.append(
        {
            "number": "5",
            "title": _("Referrers"),
            "tables": [
                _table(
                    _("Per referring organisation"),
                    [_("Organisation"), _("Unique visitors"), _("Participations")],
                    [
                        [row["name"] or _("Unknown"), row["unique"], row["participations"]]
                        for row in ref["by_organisation"]
                    ],
                ),
                _table(
                    _("Per channel"),
                    [_("Channel"), _("Unique visitors"), _("Participations")],
                    [
                        [label("referrer_channel", k), v["unique"], v["participations"]]
                        for k, v in ref["by_channel"].items()
                    ],
                ),
                _table(
                    _("Per type of organisation"),
                    [_("Type"), _("Unique visitors"), _("Participations")],
                    [
                        [label("organisation_type", k), v["unique"], v["participations"]]
                        for k, v in ref["by_organisation_type"].items()
                    ],
                ),
            ],
        }
    )
    sections.append(
        cross("6", _("Target group per referrer"), ind["6"], _("Organisation"), _("Unknown"))
    )

    dest = ind["7"]
    sections.append(
        {
            "number": "7",
            "title": _("Destination of referrals"),
            "tables": [
                _table(
                    _("Referred"),
                    [_("Item"), _("Share of help questions")],
                    [
                        [_("Referred (all)"), share(dest["referred"])],
                        [_("To another organisation"), share(dest["external_total"])],
                        [_("Within the digibank"), share(dest["internal_total"])],
                    ],
                ),
                _table(
                    _("To another organisation"),
                    [_("Organisation"), _("Questions"), _("Unique visitors")],
                    [[e["name"], e["questions"], e["unique"]] for e in dest["external"]],
                ),
                _table(
                    _("Within the digibank"),
                    [_("Service"), _("Questions"), _("Unique visitors")],
                    [
                        [label("internal_destination", k), v["questions"], v["unique"]]
                        for k, v in dest["internal"].items()
                    ],
                ),
            ],
        }
    )

    seq = ind["8"]
    sections.append(
        {
            "number": "8",
            "title": _("Internal referral"),
            "tables": [
                _table(
                    _("Transitions between forms of service (returning visitors)"),
                    [_("From"), _("To"), _("Transitions"), _("After an internal referral")],
                    [
                        [
                            label("form", t["from"]),
                            label("form", t["to"]),
                            t["transitions"],
                            share(t["after_internal_referral"]),
                        ]
                        for t in seq["transitions"]
                    ]
                    + [
                        [
                            _("All"),
                            "",
                            seq["total_transitions"],
                            share(seq["after_internal_referral"]),
                        ]
                    ],
                )
            ],
        }
    )

    hq = ind["9"]
    sections.append(
        {
            "number": "9",
            "title": _("Type of help question"),
            "chart": charts.bar_chart(
                [(c["name"], c["questions"]) for c in hq["by_category"]],
                title=_("Help questions per category"),
            ),
            "tables": [
                _table(
                    _("Help questions"),
                    [_("Item"), _("Value")],
                    [
                        [_("Help questions"), hq["questions"]],
                        [_("Also a question about content"), share(hq["content_side"])],
                    ],
                ),
                _table(
                    _("Per category"),
                    [_("Category"), _("Questions"), _("Also about content")],
                    [
                        [c["name"], c["questions"], share(c["content_side"])]
                        for c in hq["by_category"]
                    ],
                ),
                _table(
                    _("Per service or app concerned"),
                    [_("Service"), _("Questions"), _("Also about content")],
                    [
                        [s["name"] or _("Unknown"), s["questions"], share(s["content_side"])]
                        for s in hq["by_concerned_service"]
                    ],
                ),
                _table(
                    _("Per kind of activity"),
                    [_("Kind of activity"), _("Questions"), _("Also about content")],
                    [
                        [label("activity_kind", k), v["questions"], share(v["content_side"])]
                        for k, v in hq["by_activity_kind"].items()
                    ],
                ),
                _table(
                    _("Outcome"),
                    [_("Outcome"), _("Share")],
                    [[label("outcome", k), share(v)] for k, v in hq["by_outcome"].items()],
                ),
            ],
        }
    )

    for number, title in (
        ("10", _("Occupancy of appointment slots")),
        ("11", _("Hardware loans")),
    ):
        result = ind[number]
        if not result.get("available"):
            sections.append(_not_available(number, title, result))
        else:
            sections.append({"number": number, "title": title, "tables": _delegated_tables(result)})

    b = ind["12"]
    sections.append(
        {
            "number": "12",
            "title": _("Characteristics of borrowers"),
            "tables": [
                _table(
                    _("Borrowers"),
                    [_("Item"), _("Share")],
                    [[_("Borrowers among the unique visitors"), share(b["borrowers"])]],
                ),
                *_profile_tables(
                    b["profile"],
                    [("borrowers", _("Borrowers")), ("others", _("Other visitors"))],
                    dimensions=[*PROFILE_DIMENSIONS, "referrer_channel"],
                ),
            ],
        }
    )
    return sections


def completeness_table(result: dict) -> dict:
    return _table(
        _("Data completeness"),
        [_("Field"), _("Known")],
        [[label("field", f), share(v)] for f, v in result["fields"].items()],
    )
