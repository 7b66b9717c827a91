""""My connections": one personal page per participant, apart from the commissioners' report.

``evaluate report WORKSPACE --out DIR --personal PERSONAL`` writes, into
PERSONAL, one offline HTML page for each person who answered the network
survey at both the first and the last network wave: the people *they*
named at each (their own answers, drawn in the cohort picture's places and
colours), their new ties across organisations, sectors and places, their part
in linking other people (Gould–Fernandez brokerage, from
:mod:`evaluate.network.brokerage`) and how it changed, and the cohort's
figures beside theirs.

Each page is one self-contained HTML file well under 1 MB, so it can be sent
by email: the pictures are static SVG (no chart library), and it reads on a
phone 320 px wide without sideways scrolling.

What a page may show:

- the names of the people that person named, and their own name — never who
  named them, never anyone else's ties, never anyone else's name;
- figures about the whole cohort that the dashboard already shows;
- a figure worked out from who named the person (their part in linking
  people) only as a total, and only when at least the workspace's minimum
  group size of people named them at each wave — never broken down by the
  organisation, sector or place of those people, which could point to them.

The names come from the roster file (which stays with the programme lead),
matched to the workspace's pseudonymous ids with the workspace's salt. Pages
are named by an opaque token (a salted hash of the person's id), never by a
name; ``index.csv`` in the same folder says which page is whose, for the
programme lead to send each person their own. The folder must lie outside
the report folder and the workspace (:func:`check_personal_dir`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup

from evaluate.errors import ReportError
from evaluate.network.ego import EGO_ATTRIBUTES, ego_ties
from evaluate.privacy import neutralise_frame, pseudonymise
from evaluate.report.ego_figure import _relations_at, ego_svg
from evaluate.report.format import integer, pct
from evaluate.report.page import CSP, Page, environment
from evaluate.report.table import make_table
from evaluate.words import count, join_words

__all__ = ["PersonalPagesRefused", "PAGE_PREFIX", "INDEX_NAME", "personal_tokens",
           "check_personal_dir", "roster_people", "personal_pages", "write_personal_pages"]

#: Every personal page's file name is this, then the person's token, then ``.html``.
PAGE_PREFIX = "connections-"
#: The file that says which page is whose (for the programme lead only).
INDEX_NAME = "index.csv"
_README = "README.txt"
_ATTRS = tuple(EGO_ATTRIBUTES)


class PersonalPagesRefused(ReportError):
    """The personal pages cannot be written where asked (a usage mistake)."""


def personal_tokens(participants: pd.Series, salt: str) -> pd.Series:
    """The opaque, stable token of each person's page (16 hex characters; 10 under an
    older workspace's salt).

    A salted hash of the pseudonymous id, so the file name carries neither
    a name nor the id that the analysis tables use.

    >>> personal_tokens(pd.Series(["P-0123456789"]), "salt").str.len().tolist()
    [10]
    """
    keys = "personal-page\x1f" + participants.astype("string")
    return pseudonymise(keys, salt, prefix="")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_personal_dir(personal: str | Path, *, report_dir: str | Path,
                       workspace: str | Path | None = None) -> Path:
    """The folder for the personal pages, refused when it mixes with other outputs.

    Raises
    ------
    PersonalPagesRefused
        The folder is (inside) the report folder or the workspace, or the
        report folder is inside it: pages that name people must never sit
        with what commissioners receive.
    """
    p = Path(personal).expanduser().resolve()
    out = Path(report_dir).expanduser().resolve()
    advice = ("the personal pages name people, so they are kept apart from the report that "
              "commissioners receive — choose a folder outside the report folder and the "
              "workspace, e.g. a folder beside the workspace called personal-pages")
    if _inside(p, out):
        raise PersonalPagesRefused(
            f"--personal {personal} is inside the report folder {report_dir}: {advice}")
    if _inside(out, p):
        raise PersonalPagesRefused(
            f"--personal {personal} holds the report folder {report_dir}: {advice}")
    if workspace is not None and _inside(p, Path(workspace).expanduser().resolve()):
        raise PersonalPagesRefused(
            f"--personal {personal} is inside the workspace {workspace}: {advice}")
    if p.exists() and not p.is_dir():
        raise PersonalPagesRefused(f"--personal {personal} is a file, not a folder — "
                                   "name a folder for the pages")
    return p


def roster_people(path: str | Path | None, salt: str, expected=None) -> pd.DataFrame:
    """``participant, name, email`` of everyone on the roster file (for the pages and index).

    ``expected``: the workspace's participant ids; a roster file that matches
    none of them (another programme's, or a workspace with another salt) is
    refused.

    Raises
    ------
    PersonalPagesRefused
        There is no roster file, so the pages could not name anyone, or it is
        not this workspace's.
    """
    from evaluate.roster import read_roster

    if path is None or not Path(path).is_file():
        where = f" ({path} cannot be found)" if path is not None else ""
        raise PersonalPagesRefused(
            f"The personal pages need the roster file with names{where} — pass it with "
            "--roster roster.csv (the same file the workspace was made with)")
    frame = read_roster(path, salt).frame
    if expected is not None and not frame["participant"].astype(str).isin(
            pd.Series(expected, dtype=object).astype(str)).any():
        raise PersonalPagesRefused(
            f"No one on {Path(path).name} is in this workspace — pass the roster file the "
            "workspace was made with (--roster)")
    return pd.DataFrame({"participant": frame["participant"].astype(str),
                         "name": frame["display"].astype("string"),
                         "email": frame["email_key"].astype("string")})


# --------------------------------------------------------------------------- one cohort
def _any(table: pd.DataFrame | None, cohort: str, **where) -> pd.DataFrame:
    if table is None or not len(table):
        return pd.DataFrame()
    keep = table["cohort"].astype(str) == cohort if "cohort" in table.columns else True
    for k, v in where.items():
        if k in table.columns:
            keep = keep & (table[k].astype(str) == v)
    return table[keep]


def _new_shares(mine: pd.DataFrame, boundary: pd.DataFrame, wave_to: str) -> pd.DataFrame:
    """Share of the person's new ties crossing each boundary, beside the cohort's."""
    new = mine[mine["status"] == "new"]
    rows = []
    for a in _ATTRS:
        col = f"crosses_{a}"
        if col not in mine.columns:
            continue
        known = new[col].dropna()
        b = boundary[(boundary["attribute"] == a) & (boundary["wave"].astype(str) == wave_to)]
        cohort_share = (float(b["new_share_external"].iloc[0])
                        if len(b) and "new_share_external" in b.columns else np.nan)
        rows.append({"boundary": a, "new_ties": int(len(new)), "crossing": int(known.sum()),
                     "known": int(len(known)),
                     "share": float(known.mean()) if len(known) else np.nan,
                     "cohort_share": cohort_share})
    return pd.DataFrame(rows)


def _my_share(mine: pd.DataFrame, end: str, a: str) -> float:
    named = mine[mine[f"named_{end}"]]
    known = named[f"crosses_{a}"].dropna() if f"crosses_{a}" in named.columns else pd.Series()
    return float(known.mean()) if len(known) else np.nan


class _Cohort:
    """What every page of one cohort shares: waves, places, ego ties, the cohort's figures."""

    def __init__(self, results: dict, roster: pd.DataFrame, cohort: str, page: Page) -> None:
        nodes = _any(results.get("network_layout_nodes"), cohort)
        self.cohort = cohort
        waves = page.sorted_waves(nodes["wave"]) if len(nodes) else []
        self.waves = [waves[0], waves[-1]] if len(waves) >= 2 else []
        if not self.waves:
            self.ego = pd.DataFrame(columns=["participant"])
            return
        w0, w1 = self.waves
        edges = _any(results.get("network_layout_edges"), cohort)
        ties = edges[["wave", "relation", "source", "target"]]
        respondents = nodes.loc[nodes["responded"].astype(bool), ["wave", "participant"]]
        members = roster[roster["cohort"].astype(str) == cohort]
        self.ego = ego_ties(ties, members, respondents, wave_from=w0, wave_to=w1)
        answered = respondents.groupby("participant")["wave"].agg(set)
        self.both = sorted(p for p, w in answered.items() if {w0, w1} <= w)
        self.places = nodes[nodes["wave"] == w0].drop_duplicates("participant").set_index(
            "participant")
        self.roster = members.assign(participant=members["participant"].astype(str)).set_index(
            "participant")
        self.boundary = _any(results.get("network_boundary"), cohort, relation="any")
        self.metrics = _any(results.get("network_metrics"), cohort, relation="any",
                            basis="respondents")
        self.growth = _any(results.get("network_growth"), cohort, relation="any",
                           basis="respondents")
        self.roles = _any(results.get("network_brokerage_change"), cohort, relation="any")
        groups = _any(results.get("network_brokerage_groups"), cohort, relation="any")
        self.role_groups = groups[groups["group"].isna()] if len(groups) else groups
        self.by_person = {p: t for p, t in self.ego.groupby("participant", sort=False)}
        # how many people named each person at each wave (decides what may be shown of it)
        pairs = ties[["wave", "source", "target"]].drop_duplicates()
        self.named_by = {w: pairs[pairs["wave"] == w].groupby("target")["source"].nunique()
                         for w in (w0, w1)}
        roles = self.roles
        self.roles_by_person = ({p: t for p, t in roles.groupby("participant", sort=False)}
                                if len(roles) else {})


# --------------------------------------------------------------------------- one page
def _one_decimal(x) -> str:
    return "—" if x is None or x != x else f"{x:.1f}"


def _pairs_linked(mine_roles: pd.DataFrame, cohort: _Cohort) -> tuple[float, float, float, float]:
    """The person's pairs linked across organisations at each wave, and the cohort's average."""
    mine = mine_roles[mine_roles["attribute"] == "organisation"] if len(mine_roles) else mine_roles
    g = cohort.role_groups
    g = g[g["attribute"] == "organisation"] if len(g) else g
    members = float(g["members"].iloc[0]) if len(g) else np.nan
    return (float(mine["count_from"].sum()) if len(mine) else 0.0,
            float(mine["count_to"].sum()) if len(mine) else 0.0,
            float(g["count_from"].sum()) / members if len(g) else np.nan,
            float(g["count_to"].sum()) / members if len(g) else np.nan)


def _linking(mine_roles: pd.DataFrame, cohort: _Cohort, participant: str, name_w,
             min_group: int):
    """Text and a table: the person's part in linking people, only when it cannot point to
    anyone (at least ``min_group`` people named them at each wave), and only as a total."""
    w0, w1 = cohort.waves
    you0, you1, avg0, avg1 = _pairs_linked(mine_roles, cohort)
    named_by = min(int(cohort.named_by[w].get(participant, 0)) for w in (w0, w1))
    text = [
        "When someone named you and you named someone else, and those two had not named each "
        "other, you link them: things can pass between them through you. Counting the pairs of "
        "people from different organisations you link gives your part in linking people across "
        "the system."]
    rows = [{"measure": "Pairs of people from different organisations linked (cohort: "
                        "average per person)",
             "you_from": "—", "you_to": "—",
             "cohort_from": _one_decimal(avg0), "cohort_to": _one_decimal(avg1)}]
    if named_by >= min_group:
        rows[0].update(you_from=integer(you0), you_to=integer(you1))
        text.append(f"At {name_w(w1)} you linked {count(you1, 'pair')} of people from different "
                    f"organisations, against {integer(you0)} at {name_w(w0)}; your cohort's "
                    f"average was {_one_decimal(avg1)} and {_one_decimal(avg0)}.")
    else:
        text.append(
            "Your own count is worked out from who named you, so it is shown only when at least "
            f"{min_group} people named you at both waves — fewer did, and the count could point "
            f"to who they are. Your cohort's average was {_one_decimal(avg1)} pairs per person at "
            f"{name_w(w1)}, against {_one_decimal(avg0)} at {name_w(w0)}.")
    table = make_table(pd.DataFrame(rows), {
        "measure": "Measure", "you_from": f"You, at {name_w(w0)}", "you_to": f"You, at {name_w(w1)}",
        "cohort_from": f"Your cohort, at {name_w(w0)}", "cohort_to": f"Your cohort, at {name_w(w1)}"},
        numeric={"you_from", "you_to", "cohort_from", "cohort_to"},
        caption="Your part in linking people, beside your cohort's")
    return text, table


def _named_table(mine: pd.DataFrame, names: pd.Series, cohort: _Cohort, name_w) -> pd.DataFrame:
    w0, w1 = cohort.waves
    attrs = cohort.roster.reindex(mine["alter"].astype(str))
    out = pd.DataFrame({
        "person": mine["alter"].astype(str).map(names).fillna("(no name on the list)").to_numpy(),
        **{a: attrs[a].astype(object).fillna("not known").to_numpy() for a in _ATTRS
           if a in attrs.columns},
        "at_from": _relations_at(mine, "from").to_numpy(),
        "at_to": _relations_at(mine, "to").to_numpy(),
        "status": mine["status"].to_numpy()})
    order = {"new": 0, "kept": 1, "no longer named": 2}
    return out.assign(_o=out["status"].map(order)).sort_values(
        ["_o", "person"], kind="stable").drop(columns="_o")


def personal_pages(
    results: dict[str, pd.DataFrame],
    context: dict,
    roster: pd.DataFrame,
    people: pd.DataFrame,
    *,
    progress: Callable[[str], None] | None = None,
):
    """Each personal page, one at a time: ``(participant, cohort, html)``.

    Parameters
    ----------
    results : dict of str to DataFrame
        The analysis tables (the network ones are used).
    context : dict
        As :func:`evaluate.report.build.build_report`.
    roster : DataFrame
        The workspace's pseudonymised roster (``Workspace.roster()``).
    people : DataFrame
        ``participant, name`` from the roster file (:func:`roster_people`).

    Yields
    ------
    tuple of (str, str, str)
        Participant id, cohort and the page's HTML, for everyone who
        answered the network survey at the first and last network waves.
    """
    names = people.set_index("participant")["name"]
    base = Page(results=results or {}, context=dict(context or {}))
    nodes = base.table("network_layout_nodes")
    if nodes is None:
        return
    colour_by = [a for a in ("sector", "organisation", "place") if a in nodes.columns]
    cohorts = [c for c in base.cohort_order() if c in set(nodes["cohort"].astype(str))]
    cohorts += sorted(set(nodes["cohort"].astype(str)) - set(cohorts))
    env = environment()
    template = env.get_template("personal.html")
    for cohort_id in cohorts:
        cohort = _Cohort(results, roster, cohort_id, base)
        if not cohort.waves:
            continue
        if progress is not None:
            progress(f"Personal pages for {base.cohort(cohort_id)}: {len(cohort.both)} people")
        for participant in cohort.both:
            html = _render(template, results, context, nodes, colour_by, cohort, participant,
                           names)
            yield participant, cohort_id, html


def _render(template, results, context, nodes, colour_by, cohort: _Cohort, participant: str,
            names: pd.Series) -> str:
    page = Page(results=results, context=dict(context))
    for a in colour_by:  # the same registration as the dashboard's network pictures
        page.colours.add_groups(a, nodes[a].astype(object).where(nodes[a].notna(), "unknown"))
    w0, w1 = cohort.waves

    def name_w(w) -> str:
        return page.the_wave(w)

    me = names.get(participant)
    me = str(me) if me is not None and me == me else "you"
    mine = cohort.by_person.get(participant, cohort.ego.iloc[0:0])
    alters = mine["alter"].astype(str).tolist()
    drawn = cohort.places.reindex([participant, *alters])
    labels = ["You", *[str(names.get(a)) if names.get(a) is not None and names.get(a) == names.get(a)
                       else "(no name on the list)" for a in alters]]
    pictured = pd.DataFrame({"participant": [participant, *alters], "label": labels,
                             "x": drawn["x"].to_numpy(), "y": drawn["y"].to_numpy(),
                             "is_ego": [True] + [False] * len(alters),
                             **{a: drawn[a].to_numpy() for a in colour_by}})
    n0, n1 = int(mine["named_from"].sum()), int(mine["named_to"].sum())
    new = mine[mine["status"] == "new"]
    kept = int((mine["status"] == "kept").sum())
    dropped = int((mine["status"] == "no longer named").sum())
    drawing = ego_svg(pictured, mine, waves=[w0, w1],
                      colour_by=colour_by[0] if colour_by else None, colours=page.colours,
                      wave_titles=[f"{page.wave(w0)}: you named {count(n0, 'person', 'people')}",
                                   f"{page.wave(w1)}: you named {count(n1, 'person', 'people')}"],
                      wave_names=[page.wave(w0), page.wave(w1)])
    named = _named_table(mine, names, cohort, name_w)
    ego = dict(
        id="fig-ego", table=make_table(named, {
            "person": "Person you named", "organisation": "Organisation", "sector": "Sector",
            "place": "Place", "at_from": f"At {name_w(w0)}", "at_to": f"At {name_w(w1)}",
            "status": "Change"}),
        title=(f"You named {count(n0, 'person', 'people')} at {name_w(w0)} and "
               f"{count(n1, 'person', 'people')} at {name_w(w1)}: {len(new)} new, {kept} named "
               f"both times"),
        summary=(f"At {name_w(w0)} you named {count(n0, 'person', 'people')}; at {name_w(w1)} "
                 f"you named {count(n1, 'person', 'people')}, of whom {len(new)} you had not "
                 f"named before" + (f"; {dropped} you named at {name_w(w0)} you did not name "
                                    f"at {name_w(w1)}." if dropped else ".")),
        note=("You are the mark in the black ring; each other mark is someone you "
              "named, in the same place as in the cohort's pictures on the dashboard, with the "
              "same colours and shapes for their group. A line joins you to each person you "
              "named: solid for working together, dashed for going to them for advice, dotted "
              "for knowing them before the programme (the box above hides or shows these). "
              "Thicker orange-red lines are new since " + name_w(w0) + ". Only your own "
              "answers are drawn: not who named you, and not the ties between other people."))
    shares = _new_shares(mine, cohort.boundary, w1)
    if len(new):
        parts = [f"{integer(r.crossing)} in another {r.boundary}" for r in shares.itertuples()]
        new_text = [f"Of the {count(len(new), 'person', 'people')} you named at {name_w(w1)} "
                    f"and not at {name_w(w0)}, {join_words(parts)}."]
    else:
        new_text = [f"You named no one at {name_w(w1)} whom you had not named at {name_w(w0)}."]
    new_table = None
    if len(new) and len(shares):
        new_text.append("Crossing into another " + "; another ".join(
            f"{r.boundary}: {pct(r.share)} of your new ties, {pct(r.cohort_share)} of your "
            "cohort's" for r in shares.itertuples()) + ".")
        new_table = make_table(shares, {
            "boundary": "Boundary", "new_ties": "Your new ties", "crossing": "Crossing it",
            "share": "Your share crossing", "cohort_share": "Your cohort's share crossing"},
            {"share": pct, "cohort_share": pct, "new_ties": integer, "crossing": integer},
            numeric={"new_ties", "crossing", "share", "cohort_share"},
            caption="Your new ties across organisations, sectors and places, beside your cohort's")
    mine_roles = cohort.roles_by_person.get(participant, pd.DataFrame(
        columns=["attribute", "role", "count_from", "count_to"]))
    if len(cohort.roles):
        linking_text, linking_table = _linking(mine_roles, cohort, participant, name_w,
                                               page.min_group_size)
    else:
        linking_text, linking_table = (
            ["Your part in linking people needs the network survey at both waves."], None)
    cohort_rows = _cohort_rows(page, mine, cohort, name_w)
    cohort_table = make_table(cohort_rows, {
        "measure": "Measure", "you_from": f"You, at {name_w(w0)}", "you_to": f"You, at {name_w(w1)}",
        "cohort_from": f"Your cohort, at {name_w(w0)}", "cohort_to": f"Your cohort, at {name_w(w1)}"},
        numeric={"you_from", "you_to", "cohort_from", "cohort_to"},
        caption="You beside your cohort")
    headline = (f"You named {count(n1, 'person', 'people')} at {name_w(w1)}, against "
                f"{integer(n0)} at {name_w(w0)}"
                + (f"; {len(new)} of them were new to you" if len(new) else "") + ".")
    about = [
        f"This page is for {me} only. It shows your own answers to the network survey of "
        f"{page.context.get('programme') or 'the programme'}: the people you named at "
        f"{name_w(w0)} and at {name_w(w1)}. It does not show who named you, or anyone else's "
        "answers; the figures for your cohort are the same as those on the programme's "
        "dashboard, which names no one.",
        "Please keep it to yourself, as you would any personal record."]
    return template.render(
        programme=page.context.get("programme") or "the programme",
        cohort=page.cohort(cohort.cohort), name=me,
        wave_from_the=name_w(w0), wave_to_the=name_w(w1),
        generated=page.context.get("generated_at") or "",
        version=page.context.get("software_version") or "",
        about=about, headline=headline, ego=ego, drawing=drawing, new_text=new_text,
        new_table=new_table, linking_text=linking_text, linking_table=linking_table,
        cohort_text=[f"Your own figures beside the same figures for {page.cohort(cohort.cohort)} "
                     "(among the people who answered the network survey)."],
        cohort_table=cohort_table,
        csp=Markup(CSP))  # noqa: S704 - our constant


def _cohort_rows(page: Page, mine: pd.DataFrame, cohort: _Cohort, name_w) -> pd.DataFrame:
    """People named, share crossing each boundary and new ties: the person and the cohort."""
    w0, w1 = cohort.waves
    m = cohort.metrics.set_index(cohort.metrics["wave"].astype(str)) if len(cohort.metrics) else None

    def metric(w, col):
        if m is None or w not in m.index or col not in m.columns:
            return np.nan
        return float(m.loc[w, col])

    rows = [{"measure": "People you named (cohort: average per person)",
             "you_from": integer(mine["named_from"].sum()), "you_to": integer(mine["named_to"].sum()),
             "cohort_from": _one_decimal(metric(w0, "mean_out_degree")),
             "cohort_to": _one_decimal(metric(w1, "mean_out_degree"))}]
    b = cohort.boundary
    for a in _ATTRS:
        if f"crosses_{a}" not in mine.columns:
            continue

        def share(w, a=a):
            r = b[(b["attribute"] == a) & (b["wave"].astype(str) == w)] if len(b) else b
            return float(r["share_external"].iloc[0]) if len(r) else np.nan

        rows.append({"measure": f"Share of ties to people in another {a}",
                     "you_from": pct(_my_share(mine, "from", a)),
                     "you_to": pct(_my_share(mine, "to", a)),
                     "cohort_from": pct(share(w0)), "cohort_to": pct(share(w1))})
    g = cohort.growth
    per_person = (float(g["new_ties"].iloc[0]) / float(g["respondents_both"].iloc[0])
                  if len(g) and float(g["respondents_both"].iloc[0]) > 0 else np.nan)
    rows.append({"measure": f"New people named at {name_w(w1)} (cohort: average per person)",
                 "you_from": "—", "you_to": integer((mine["status"] == "new").sum()),
                 "cohort_from": "—", "cohort_to": _one_decimal(per_person)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- writing
def write_personal_pages(
    results: dict[str, pd.DataFrame],
    context: dict,
    roster: pd.DataFrame,
    people: pd.DataFrame,
    out_dir: str | Path,
    *,
    salt: str,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write every personal page, ``index.csv`` and a README into ``out_dir``.

    Check the folder first with :func:`check_personal_dir`.

    Returns
    -------
    dict
        ``pages`` (list of Path), ``index`` (Path of index.csv), ``readme``
        (Path of README.txt).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written, index_rows = [], []
    info = people.set_index("participant")
    for participant, cohort, html in personal_pages(results, context, roster, people,
                                                    progress=progress):
        token = str(personal_tokens(pd.Series([participant]), salt).iloc[0])
        path = out / f"{PAGE_PREFIX}{token}.html"
        path.write_text(html, encoding="utf-8", newline="\n")
        written.append(path)
        index_rows.append({"file": path.name, "token": token,
                           "name": info["name"].get(participant, pd.NA),
                           "email": info["email"].get(participant, pd.NA), "cohort": cohort})
    keep = {p.name for p in written}
    for stale in out.glob(f"{PAGE_PREFIX}*.html"):
        if stale.name not in keep:
            stale.unlink()
    index = pd.DataFrame(index_rows, columns=["file", "token", "name", "email", "cohort"])
    index = index.sort_values(["cohort", "name", "file"], kind="stable", na_position="last")
    index_path = out / INDEX_NAME
    neutralise_frame(index).to_csv(index_path, index=False, lineterminator="\n",
                                   encoding="utf-8")
    readme = out / _README
    readme.write_text(
        "Personal \"my connections\" pages, one per participant who answered the network "
        "survey at the first and last network waves.\n\n"
        "Each page is for one person only: it names only the people that person named in "
        "their own answers. Send each person their own page (index.csv says which file is "
        "whose: file, name, email, cohort). index.csv is for the programme lead alone: do not "
        "send it, and keep this folder apart from the report that commissioners receive.\n\n"
        "The file names carry no names: each is a token that stays the same every time the "
        "pages are made from the same workspace.\n", encoding="utf-8", newline="\n")
    return {"pages": written, "index": index_path, "readme": readme}
