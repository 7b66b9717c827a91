"""People and ties in the layouts that network tools import: Kumu, Polinode, plain csv.

Evaluators who already map networks in Kumu or Polinode can take the cohort's
network there unchanged. Every person is labelled with their pseudonymous
participant id only; attribute values held by fewer people than the
workspace's threshold become "Other (small groups)" (as in the dashboard), so
a colour cannot single anyone out.

Layouts written
---------------
- **Kumu** (``network-kumu.xlsx``): sheet ``Elements`` with ``Label`` in A1,
  then ``Type`` and the attributes; sheet ``Connections`` with ``From`` in
  A1, ``To`` in B1, then ``Type`` (the relation), ``Direction``, ``Wave``,
  ``Frequency``, ``Trust``, ``New``, ``Tags`` (``wave|relation``; Kumu
  splits multiple values on ``|``).
- **Polinode** (``network-polinode.xlsx``): sheet ``Nodes`` with ``id`` (and
  ``Name``, the same id) then the attributes; sheet ``Edges`` with
  ``Source``, ``Target`` then ``Relation``, ``Wave``, ``Frequency``,
  ``Trust``, ``New``.
- **csv** (``network-nodes.csv``, ``network-edges.csv``): ``participant``,
  ``cohort`` and attributes; ``source, target, relation, wave, cohort,
  frequency, trust, is_new``.

Text that a spreadsheet would run as a formula is neutralised, and the xlsx
files are byte-identical for identical inputs.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from evaluate.errors import AnalysisError
from evaluate.network.layout import _coarsen
from evaluate.network.ties import ATTRIBUTES, _as_roster, _empty_ties, clean_ties, wave_order
from evaluate.privacy import neutralise_frame
from evaluate.roster import split_by_group

__all__ = ["FORMATS", "network_tables", "write_kumu", "write_polinode", "write_csv",
           "export_network"]

#: Formats :func:`export_network` writes.
FORMATS = ("kumu", "polinode", "csv")
_FIXED_TIME = dt.datetime(2000, 1, 1)


def network_tables(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    *,
    waves=None,
    min_group_size: int | None = 5,
    attributes=ATTRIBUTES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The people and ties to export, in a neutral layout.

    Parameters
    ----------
    ties : DataFrame
        Clean ties (:func:`evaluate.network.clean_ties`).
    roster : DataFrame
        ``participant, cohort`` and the attributes.
    waves : sequence, optional
        Wave order (for ``is_new``); default the order found.
    min_group_size : int or None
        Attribute values held by fewer people (within a cohort) become
        "Other (small groups)"; None keeps them.

    Returns
    -------
    nodes : DataFrame
        ``participant, cohort, <attributes>``.
    edges : DataFrame
        ``source, target, relation, wave, cohort, frequency, trust, is_new``
        (``is_new``: not reported for that relation at the wave before, False
        at the first wave).
    """
    roster = _as_roster(roster)
    attributes = [a for a in attributes if a in roster.columns]
    nodes = roster[["participant", "cohort", *attributes]].copy()
    for a in attributes:
        nodes[a] = nodes.groupby("cohort", sort=False)[a].transform(
            lambda s: _coarsen(s, min_group_size))
    nodes = nodes.sort_values(["cohort", "participant"], ignore_index=True)
    waves = wave_order(ties["wave"], waves) if waves is not None else wave_order(ties["wave"])
    edges = ties[["source", "target", "relation", "wave", "cohort", "frequency", "trust"]].copy()
    nxt = {w: waves[i + 1] for i, w in enumerate(waves[:-1])}
    before = edges[["cohort", "relation", "source", "target", "wave"]].assign(
        wave=lambda f: f["wave"].map(nxt).astype(object), _before=True).dropna(subset=["wave"])
    edges = edges.merge(before, how="left", on=["cohort", "relation", "source", "target", "wave"])
    first = edges["wave"] == (waves[0] if waves else None)
    edges["is_new"] = (edges["_before"].isna() & ~first).to_numpy(dtype=bool)
    rank = {w: i for i, w in enumerate(waves)}
    edges = (edges.assign(_w=edges["wave"].map(rank))
             .sort_values(["cohort", "_w", "relation", "source", "target"], kind="stable",
                          ignore_index=True)
             .drop(columns=["_w", "_before"]))
    return nodes, edges


def _cell(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _write_workbook(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        sheet = wb.create_sheet(name)
        frame = neutralise_frame(frame.reset_index(drop=True))
        sheet.append([str(c) for c in frame.columns])
        for row in frame.astype(object).to_numpy():
            sheet.append([_cell(v) for v in row])
    wb.properties.creator = "evaluate"
    wb.properties.lastModifiedBy = "evaluate"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    wb.save(path)
    # openpyxl stamps the save time; rewrite it and the zip entry times so the
    # same network always gives the same bytes.
    with zipfile.ZipFile(path) as zin:
        entries = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _fix_core_times(data)
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zout.writestr(info, data)
    tmp.replace(path)
    return path


def _fix_core_times(data: bytes) -> bytes:
    text = data.decode("utf-8")
    text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                  r"\g<1>2000-01-01T00:00:00Z\g<2>", text)
    return text.encode("utf-8")


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def write_kumu(nodes: pd.DataFrame, edges: pd.DataFrame, path: str | Path) -> Path:
    """Write the Kumu import workbook (``Elements``: Label …; ``Connections``: From, To …)."""
    attributes = [c for c in nodes.columns if c != "participant"]
    elements = pd.DataFrame({"Label": nodes["participant"].to_numpy(), "Type": "Person"})
    for a in attributes:
        elements[_title(a)] = nodes[a].to_numpy()
    connections = pd.DataFrame({
        "From": edges["source"].to_numpy(), "To": edges["target"].to_numpy(),
        "Type": edges["relation"].to_numpy(), "Direction": "directed",
        "Wave": edges["wave"].to_numpy(), "Frequency": edges["frequency"].to_numpy(),
        "Trust": edges["trust"].to_numpy(),
        "New": np.where(edges["is_new"].to_numpy(dtype=bool), "yes", "no"),
        "Tags": (edges["wave"].astype(str) + "|" + edges["relation"].astype(str)).to_numpy(),
    })
    return _write_workbook({"Elements": elements, "Connections": connections}, Path(path))


def write_polinode(nodes: pd.DataFrame, edges: pd.DataFrame, path: str | Path) -> Path:
    """Write the Polinode import workbook (``Nodes``: id …; ``Edges``: Source, Target …)."""
    attributes = [c for c in nodes.columns if c != "participant"]
    node_sheet = pd.DataFrame({"id": nodes["participant"].to_numpy(),
                               "Name": nodes["participant"].to_numpy()})
    for a in attributes:
        node_sheet[_title(a)] = nodes[a].to_numpy()
    edge_sheet = pd.DataFrame({
        "Source": edges["source"].to_numpy(), "Target": edges["target"].to_numpy(),
        "Relation": edges["relation"].to_numpy(), "Wave": edges["wave"].to_numpy(),
        "Frequency": edges["frequency"].to_numpy(), "Trust": edges["trust"].to_numpy(),
        "New": np.where(edges["is_new"].to_numpy(dtype=bool), "yes", "no"),
    })
    return _write_workbook({"Nodes": node_sheet, "Edges": edge_sheet}, Path(path))


def write_csv(nodes: pd.DataFrame, edges: pd.DataFrame, out_dir: str | Path) -> list[Path]:
    """Write ``network-nodes.csv`` and ``network-edges.csv`` (UTF-8, formula-safe)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "network-nodes.csv", out_dir / "network-edges.csv"]
    neutralise_frame(nodes).to_csv(paths[0], index=False, lineterminator="\n")
    neutralise_frame(edges).to_csv(paths[1], index=False, lineterminator="\n")
    return paths


def export_network(ws, out_dir: str | Path, format: str = "csv", *,
                   coarsen_small_groups: bool = True) -> list[Path]:
    """Write the workspace's people and ties for Kumu, Polinode or as csv.

    Parameters
    ----------
    ws : Workspace
        Uses ``ws.roster()``, ``ws.ties()``, ``ws.min_group_size`` and
        ``ws.waves`` when present.
    out_dir : path
        Folder to write into (made if missing).
    format : {"kumu", "polinode", "csv"}
    coarsen_small_groups : bool
        Merge attribute values held by fewer than ``ws.min_group_size`` people
        into "Other (small groups)" (default). Ties are cleaned as in
        :func:`evaluate.network.clean_ties` (self-ties, duplicates and ties to
        people off the roster are left out).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    A new workspace with no ties yet gives sheets with only their headings:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from evaluate.workspace import Workspace
    >>> tmp = Path(tempfile.mkdtemp())
    >>> ws = Workspace.init(tmp / "ws")
    >>> [p.name for p in export_network(ws, tmp / "out", "kumu")]
    ['network-kumu.xlsx']
    """
    fmt = str(format).lower()
    if fmt not in FORMATS:
        raise AnalysisError(f'Network export format "{format}" is not one of '
                            f'{", ".join(FORMATS)} — choose one of those.')
    roster, _ = split_by_group(ws.roster(), ws.roster())  # the programme's people only
    roster = roster.drop(columns=["comparison"], errors="ignore")
    ties = ws.ties()
    cleaned = clean_ties(ties if len(ties) else _empty_ties(), roster)
    min_group = int(getattr(ws, "min_group_size", 5)) if coarsen_small_groups else None
    waves = wave_order(cleaned.ties["wave"], getattr(ws, "waves", None))
    nodes, edges = network_tables(cleaned.ties, roster, waves=waves, min_group_size=min_group)
    out_dir = Path(out_dir)
    if fmt == "kumu":
        return [write_kumu(nodes, edges, out_dir / "network-kumu.xlsx")]
    if fmt == "polinode":
        return [write_polinode(nodes, edges, out_dir / "network-polinode.xlsx")]
    return write_csv(nodes, edges, out_dir)
