"""Personal "my connections" pages: one per participant with both network waves, each naming
only the people that participant named, kept apart from everything commissioners receive."""

from __future__ import annotations

import base64
import html
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.network.ego import ego_ties
from evaluate.report.personal import (
    INDEX_NAME,
    PAGE_PREFIX,
    PersonalPagesRefused,
    check_personal_dir,
    personal_tokens,
)
from evaluate.roster import read_roster
from evaluate.workspace import Workspace

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
_MARK = re.compile(r'<g class="mark( you)?" data-group="([^"]*)" data-x="([^"]+)" data-y="([^"]+)" '
                   r'data-colour="([^"]+)" data-symbol="([^"]+)">')
_PANEL = re.compile(r'<svg viewBox="0 0 \d+ \d+" role="img"[^>]*data-wave="([^"]+)">(.*?)</svg>',
                    flags=re.S)
_PAGE = re.compile(rf"^{PAGE_PREFIX}[0-9a-f]{{16}}\.html$")


# --------------------------------------------------------------------------- units
def test_ego_ties_use_only_the_persons_own_answers():
    ties = pd.DataFrame({
        "wave": ["b", "b", "e", "e", "e", "e", "e"],
        "relation": ["worked_with", "advice", "worked_with", "advice", "worked_with",
                     "worked_with", "knew_before"],
        "source": ["A", "A", "A", "A", "B", "C", "D"],
        "target": ["B", "D", "C", "C", "A", "B", "A"]})
    roster = pd.DataFrame({"participant": list("ABCD"), "organisation": ["x", "x", "y", None],
                           "sector": ["s", "t", "s", "s"]})
    t = ego_ties(ties, roster, wave_from="b", wave_to="e").set_index(["participant", "alter"])
    a = t.loc["A"]
    # A named B and D at b, C (two relations) at e; B, C and D naming A add nothing to A's rows
    assert sorted(a.index) == ["B", "C", "D"]
    assert a.loc["C", "status"] == "new" and a.loc["C", "worked_with_to"] and a.loc["C", "advice_to"]
    assert a.loc["B", "status"] == "no longer named" and a.loc["D", "advice_from"]
    assert bool(a.loc["C", "crosses_organisation"]) and not bool(a.loc["B", "crosses_organisation"])
    assert pd.isna(a.loc["D", "crosses_organisation"])  # D's organisation is unknown
    assert bool(a.loc["B", "crosses_sector"])
    # B, C and D named someone only at e, so they did not answer at both waves: no rows
    assert set(t.index.get_level_values("participant")) == {"A"}
    both = pd.DataFrame({"wave": ["b", "e"], "participant": ["C", "C"]})
    assert "C" in set(ego_ties(ties, roster, both, wave_from="b", wave_to="e")["participant"])


def test_tokens_are_stable_opaque_and_salted():
    ids = pd.Series(["P-0123456789", "P-abcdefabcd"])
    one, again = personal_tokens(ids, "salt-1"), personal_tokens(ids, "salt-1")
    assert one.tolist() == again.tolist() and one.nunique() == 2
    assert all(re.fullmatch(r"[0-9a-f]{10}", t) for t in one)
    assert not any(t in i for t, i in zip(one, ids, strict=True))
    assert personal_tokens(ids, "salt-2").tolist() != one.tolist()


def test_the_folder_is_refused_inside_the_report_or_the_workspace(tmp_path):
    report, ws = tmp_path / "report", tmp_path / "ws"
    for bad, what in ((report, "inside the report folder"), (report / "personal", "inside the report folder"),
                      (tmp_path, "holds the report folder"), (ws / "pages", "inside the workspace")):
        with pytest.raises(PersonalPagesRefused, match=what):
            check_personal_dir(bad, report_dir=report, workspace=ws)
    assert check_personal_dir(tmp_path / "pages", report_dir=report, workspace=ws) == \
        (tmp_path / "pages").resolve()


def test_cli_refuses_a_personal_folder_inside_the_report_folder(demo_workspace, tmp_path):
    ws, _ = demo_workspace
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["report", str(ws.path), "--out", str(out),
                                      "--personal", str(out / "personal")])
    assert result.exit_code == 2, result.output
    assert "is inside the report folder" in result.output
    assert "kept apart from the report that commissioners receive" in result.output
    assert "Traceback" not in result.output and not out.exists()
    inside = CliRunner().invoke(cli, ["report", str(ws.path), "--out", str(out),
                                      "--personal", str(ws.path / "pages")])
    assert inside.exit_code == 2 and "inside the workspace" in inside.output
    alone = CliRunner().invoke(cli, ["report", str(ws.path), "--out", str(out),
                                     "--roster", str(SAMPLE / "roster.csv")])
    assert alone.exit_code == 2 and "--roster is used only with --personal" in alone.output


def test_cli_refuses_a_roster_that_is_not_the_workspaces(demo_workspace, tmp_path):
    ws, _ = demo_workspace
    other = tmp_path / "other.csv"
    pd.DataFrame({"name": ["Someone Else"], "email": ["someone@example.org"],
                  "cohort": ["c1"]}).to_csv(other, index=False)
    result = CliRunner().invoke(cli, ["report", str(ws.path), "--out", str(tmp_path / "r"),
                                      "--personal", str(tmp_path / "p"), "--roster", str(other)])
    assert result.exit_code == 2, result.output
    assert "No one on other.csv is in this workspace" in result.output


# --------------------------------------------------------------------------- the demo
def _people(ws: Workspace) -> pd.DataFrame:
    frame = read_roster(ws.roster_path, ws.salt).frame
    return frame[["participant", "display", "email_key", "cohort"]].rename(
        columns={"display": "name", "email_key": "email"})


def _both_waves(ws: Workspace) -> set[str]:
    """Programme participants who answered the network survey at the baseline and the end."""
    roster = ws.roster()
    programme = set(roster.loc[roster["comparison"].isna(), "participant"]
                    if "comparison" in roster.columns else roster["participant"])
    responses = ws.responses(instrument="network")
    ties = ws.ties()
    answered = {}
    for wave in ("baseline", "end"):
        who = set(responses.loc[responses["wave"] == wave, "participant"])
        who |= set(ties.loc[ties["wave"] == wave, "source"])
        answered[wave] = who & programme
    return answered["baseline"] & answered["end"]


@pytest.fixture(scope="module")
def pages(demo_personal):
    ws = Workspace.open(demo_personal["workspace"])
    index = pd.read_csv(demo_personal["personal"] / INDEX_NAME, dtype=str)
    people = _people(ws)
    index = index.merge(people[["participant", "email"]], on="email", how="left")
    return ws, index, people


@pytest.mark.slow
def test_a_page_for_everyone_with_both_waves(demo_personal, pages):
    ws, index, people = pages
    expected = _both_waves(ws)
    assert len(expected) > 40
    assert set(index["participant"]) == expected and len(index) == len(expected)
    files = sorted(p.name for p in demo_personal["personal"].iterdir())
    assert sorted(files) == sorted([*index["file"], INDEX_NAME, "README.txt"])
    assert all(_PAGE.match(f) for f in index["file"])
    # file names carry no name, email or pseudonymous id
    lowered = " ".join(files).lower()
    for name in people["name"].dropna():
        assert str(name).split()[-1].lower() not in lowered
    assert "P-" not in " ".join(files)
    readme = (demo_personal["personal"] / "README.txt").read_text(encoding="utf-8")
    assert "Send each person their own page" in readme and "do not send it" in readme
    assert "Personal pages written: " + str(len(expected)) in demo_personal["output"]


@pytest.mark.slow
def test_each_page_names_only_the_people_that_person_named(demo_personal, pages):
    ws, index, people = pages
    names = people.set_index("participant")["name"].dropna().astype(str)
    ties = ws.ties()
    ties = ties[ties["wave"].isin(["baseline", "end"])]
    own = {s: set(g) for s, g in ties.groupby("source")["target"]}
    pattern = {p: re.compile(r"(?<!\w)" + re.escape(n) + r"(?!\w)") for p, n in names.items()}
    emails = people["email"].dropna().astype(str)
    checked = 0
    for row in index.itertuples(index=False):
        page = (demo_personal["personal"] / row.file).read_text(encoding="utf-8")
        text = _readable(page)
        assert len(page.encode("utf-8")) <= 1_000_000  # small enough to send by email
        me = row.participant
        allowed = {me} | own.get(me, set())
        for p in names.index:
            shown = bool(pattern[p].search(text))
            if p in allowed and p in names.index:
                assert shown, f"{row.file}: {names[p]!r} ({'self' if p == me else 'named'}) missing"
            else:
                assert not shown, f"{row.file} names {names[p]!r}, whom {me} did not name"
        assert not any(e in text.lower() for e in emails), f"{row.file} shows an email"
        assert f"Personal — for {names[me]} only" in text
        checked += 1
    assert checked == len(index)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _readable(page: str) -> str:
    """What a page says: its HTML (text, titles and attributes), unescaped; no script at all."""
    assert "<script" not in page  # static: no chart library, nothing to run
    return html.unescape(page)


def _figures(page_text: str) -> dict[str, dict]:
    """The dashboard's figures as JSON, by id."""
    blocks = re.findall(r'<script type="application/json" data-figure="([^"]+)">(.*?)</script>',
                        page_text, flags=re.S)
    return {fid: json.loads(body) for fid, body in blocks}


def _numbers(value) -> list[float]:
    """A figure's array: a list, or plotly's typed array ``{"dtype", "bdata"}`` (base64)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _marker_points(spec: dict) -> dict[str, tuple[str, str, set]]:
    """Group name → (colour, symbol, set of rounded (x, y)) of the visible people traces."""
    out = {}
    for t in spec["data"]:
        if (t.get("mode", "").startswith("markers") and t.get("visible", True) is True
                and t.get("hoverinfo") != "skip"):  # the ring round "you" marks no group
            pts = {(round(float(x), 9), round(float(y), 9))
                   for x, y in zip(_numbers(t["x"]), _numbers(t["y"]), strict=True)}
            colour, symbol, seen = out.get(t["name"], (t["marker"]["color"],
                                                       t["marker"]["symbol"], set()))
            out[t["name"]] = (colour, symbol, seen | pts)
    return out


def _svg_points(page_text: str) -> dict[str, tuple[str, str, set]]:
    """The same from a personal page's SVG: the people drawn (not the person themselves)."""
    out = {}
    for you, group, x, y, colour, symbol in _MARK.findall(html.unescape(page_text)):
        if you:
            continue
        c, s, seen = out.get(group, (colour, symbol, set()))
        out[group] = (c, s, seen | {(round(float(x), 9), round(float(y), 9))})
    return out


@pytest.mark.slow
def test_pages_use_the_cohort_pictures_places_colours_and_shapes(demo_personal, pages):
    ws, index, _ = pages
    dashboard = _figures((demo_personal["report"] / "dashboard.html").read_text(encoding="utf-8"))
    cohort_people = {}
    for fid, spec in dashboard.items():
        if fid.startswith("fig-aim2-network"):
            for group, (colour, symbol, pts) in _marker_points(spec).items():
                c, s, seen = cohort_people.get(group, (colour, symbol, set()))
                assert (c, s) == (colour, symbol)
                cohort_people[group] = (c, s, seen | pts)
    assert cohort_people
    for file in index["file"].head(12):
        mine = _svg_points((demo_personal["personal"] / file).read_text(encoding="utf-8"))
        assert mine
        for group, (colour, symbol, pts) in mine.items():
            assert cohort_people[group][:2] == (colour, symbol), f"{file}: {group} drawn differently"
            assert pts <= cohort_people[group][2], f"{file}: someone is not where the cohort picture has them"


@pytest.mark.slow
def test_nothing_of_the_personal_pages_reaches_the_commissioners(demo_personal, pages):
    _, index, people = pages
    report = demo_personal["report"]
    outputs = [p for p in report.rglob("*") if p.is_file()]
    assert {"dashboard.html", "tables.xlsx", "analysis.xlsx"} <= {p.name for p in outputs}
    assert not any(p.name.startswith(PAGE_PREFIX) or p.name == INDEX_NAME for p in outputs)
    needles = {str(n) for n in people["name"].dropna() if len(str(n)) > 3}
    needles |= {str(e) for e in people["email"].dropna()}
    needles |= set(index["token"]) | {"Personal — for", "my connections", "Your connections"}
    for path in outputs:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":  # what it shows, figure data decoded
            text = html.unescape(text) + "\n".join(
                s for spec in _figures(text).values() for s in _strings(spec))
        low = text.lower()
        hits = sorted(n for n in needles if n.lower() in low)
        assert not hits, f"{path.name} carries personal-page content: {hits[:5]}"


@pytest.mark.slow
def test_every_tie_a_person_named_is_drawn_at_its_wave_knew_before_included(demo_personal, pages):
    ws, index, _ = pages
    ties = ws.ties()
    ties = ties[ties["wave"].isin(["baseline", "end"])]
    named = ties.groupby(["source", "wave"]).apply(
        lambda t: len(t[["target", "relation"]].drop_duplicates()), include_groups=False)
    knew = 0
    for row in index.itertuples(index=False):
        page = (demo_personal["personal"] / row.file).read_text(encoding="utf-8")
        panels = _PANEL.findall(page)
        assert [w for w, _ in panels] == ["baseline", "end"], row.file
        for wave, (_, svg) in zip(("baseline", "end"), panels, strict=True):
            lines = svg.count('<line class="tie ')
            assert lines == named.get((row.participant, wave), 0), f"{row.file} at the {wave}"
            knew += svg.count("rel-knew_before")
        if 'class="tie rel-knew_before' in page:  # lines to hide: the box that hides them
            assert '<input type="checkbox" class="ego-toggle"' in page, row.file
    assert knew > 0  # "knew before" lines are drawn, not hidden behind the key


@pytest.mark.slow
def test_nothing_on_a_page_comes_from_fewer_people_who_named_the_person_than_the_minimum(
        demo_personal, pages):
    """A count worked out from who named the person is shown only when at least the
    workspace's minimum group size named them at both waves, and never by group."""
    ws, index, _ = pages
    minimum = ws.min_group_size
    ties = ws.ties()
    named_by = {w: ties[ties["wave"] == w].groupby("target")["source"].nunique()
                for w in ("baseline", "end")}
    shown = hidden = 0
    for row in index.itertuples(index=False):
        page = html.unescape((demo_personal["personal"] / row.file).read_text(encoding="utf-8"))
        linking = page[page.index('id="linking-h"'):page.index('id="cohort-h"')]
        for words in ("own organisation", "own sector", "own place", "another place on to",
                      "from one other", "two other"):
            assert words not in linking, f"{row.file}: linking broken down by group ({words})"
        cells = re.findall(r'<td class="num">([^<]*)</td>', linking)
        you = cells[:2]  # the person's own two counts, then the cohort's averages
        fewest = min(int(named_by[w].get(row.participant, 0)) for w in ("baseline", "end"))
        if fewest >= minimum:
            assert all(c.replace(",", "").isdigit() for c in you), row.file
            shown += 1
        else:
            assert you == ["—", "—"], f"{row.file}: named by {fewest} (< {minimum}) yet counted"
            assert f"at least {minimum} people named you" in linking
            hidden += 1
    assert shown and hidden  # the demo has both, so both branches are checked
