"""Write the demo's network (clean ties and groups) as csv, for the R reference scripts.

Run from the repository root: ``python tests/reference/demo_network.py``. It builds the
demo workspace from ``sample_data/`` in a temporary folder and writes

- ``demo_network_people.csv``: person, cohort, organisation, sector, place, and whether
  the person answered the network survey at the baseline and at the end
  (``answered_baseline``, ``answered_end``) — every programme participant; ``person`` is
  the row of ``sample_data/roster.csv`` (header not counted), so no id or name is written;
- ``demo_network_ties.csv``: cohort, wave, relation, source, target — the ties the network
  analysis uses (after :func:`evaluate.network.clean_ties`), ends as ``person`` numbers.

The R scripts beside this file read them (``brokerage_sna.R``, ``coreness_optim.R``).
Tests map a workspace's pseudonymous ids to the same numbers with :func:`person_numbers`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent


def person_numbers(ws) -> pd.Series:
    """participant id → row of the roster file (1 = first person), for a workspace."""
    from evaluate.roster import read_roster

    frame = read_roster(ws.roster_path, ws.salt).frame
    return pd.Series(range(1, len(frame) + 1), index=frame["participant"].astype(str).to_numpy())


def main() -> None:
    from evaluate.demo import build_demo_workspace
    from evaluate.network import clean_ties
    from evaluate.roster import split_by_group

    with tempfile.TemporaryDirectory() as tmp:
        ws, _ = build_demo_workspace(Path(tmp) / "ws", HERE.parent.parent / "sample_data")
        number = person_numbers(ws)
        roster = ws.roster()
        programme, _ = split_by_group(roster, roster)
        programme = programme.drop(columns=["comparison"], errors="ignore")
        ties = clean_ties(ws.ties(), programme).ties
        responses, _ = split_by_group(ws.responses(instrument="network"), roster)
        people = programme.assign(person=programme["participant"].astype(str).map(number))
        for wave in ("baseline", "end"):
            answered = set(responses.loc[responses["wave"] == wave, "participant"].astype(str))
            answered |= set(ties.loc[ties["wave"] == wave, "source"].astype(str))
            people[f"answered_{wave}"] = people["participant"].astype(str).isin(answered).astype(int)
        people = people.sort_values("person")[["person", "cohort", "organisation", "sector",
                                               "place", "answered_baseline", "answered_end"]]
        people.to_csv(HERE / "demo_network_people.csv", index=False, lineterminator="\n")
        out = ties.assign(source=ties["source"].astype(str).map(number),
                          target=ties["target"].astype(str).map(number))
        out = out[["cohort", "wave", "relation", "source", "target"]].sort_values(
            ["cohort", "wave", "relation", "source", "target"])
        out.to_csv(HERE / "demo_network_ties.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
