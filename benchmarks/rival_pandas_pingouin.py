"""The rival: the pre/post job as a user would write it with plain pandas and pingouin.

Run by ``benchmarks/bench_national.py`` (which times it beside ``evaluate``), or by hand::

    python benchmarks/rival_pandas_pingouin.py roster.csv baseline.csv post.csv --out rival/

What it does, the short way a capable analyst would: read the roster and both
csv exports; turn each question's heading into its id and each answer into
its code (reverse-keyed items flipped) from the instrument files; match
people to the roster and baseline to post by email; score every scale (mean of
the items answered, when at least its minimum are); paired t-tests with
Hedges' g and Holm-adjusted p for every scale and every question asked at both
waves; Cronbach's alpha per scale and wave; answer counts per question; and
writes the tables as csv and one xlsx. No import checks, no quarantine, no
pseudonymisation, no small-group suppression, no network, no dashboard: that
is what makes it the floor a tool must not be slower than.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import pingouin as pg
import yaml

INSTRUMENTS = Path(__file__).resolve().parent.parent / "instruments"


def _instrument(name: str) -> dict:
    return yaml.safe_load((INSTRUMENTS / name).read_text(encoding="utf-8"))


def _coded(path: Path, inst: dict) -> pd.DataFrame:
    """One row per respondent: email, then every likert item's code."""
    raw = pd.read_csv(path)
    sets = inst["response_sets"]
    out = {"email": raw["Email"].str.strip().str.lower()}
    for item in inst["items"]:
        if item["type"] != "likert" or item["text"] not in raw:
            continue
        options = sets[item["response_set"]]["options"]
        codes = raw[item["text"]].map({label: float(code) for code, label in options.items()})
        if item.get("reverse"):
            codes = len(options) + 1 - codes
        out[item["id"]] = codes
    return pd.DataFrame(out)


def _scales(frame: pd.DataFrame, inst: dict) -> pd.DataFrame:
    scores = {}
    for scale in inst["scales"]:
        items = [i for i in scale["items"] if i in frame]
        answered = frame[items].notna().sum(axis=1)
        scores[scale["id"]] = frame[items].mean(axis=1).where(answered >= scale.get("min_items", 1))
    return pd.DataFrame(scores)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roster", type=Path)
    parser.add_argument("baseline", type=Path)
    parser.add_argument("post", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    base_inst, post_inst = _instrument("baseline-v1.yaml"), _instrument("post-v1.yaml")
    roster = pd.read_csv(args.roster)
    roster["email"] = roster["email"].str.strip().str.lower()
    waves = {}
    for wave, path, inst in (("baseline", args.baseline, base_inst), ("post", args.post, post_inst)):
        coded = _coded(path, inst).merge(roster[["email", "cohort"]], on="email", how="inner")
        waves[wave] = pd.concat([coded, _scales(coded, inst)], axis=1)
    pre, post = waves["baseline"], waves["post"]
    pairs = pre.merge(post, on="email", suffixes=("_pre", "_post"))

    rows = []
    scales = [s["id"] for s in base_inst["scales"] if s["id"] in post]
    items = [i["id"] for i in base_inst["items"] if i["type"] == "likert" and i["id"] in post]
    for kind, names in (("scale", scales), ("item", items)):
        for name in names:
            both = pairs[[f"{name}_pre", f"{name}_post"]].dropna()
            test = pg.ttest(both[f"{name}_post"], both[f"{name}_pre"], paired=True)
            rows.append({
                "kind": kind, "name": name, "n_pairs": len(both),
                "mean_pre": both[f"{name}_pre"].mean(), "mean_post": both[f"{name}_post"].mean(),
                "t": test["T"].iloc[0], "p_val": test["p_val"].iloc[0] if "p_val" in test else test["p-val"].iloc[0],
                "ci95": test["CI95%"].iloc[0] if "CI95%" in test else test.filter(like="CI").iloc[0, 0],
                "hedges_g": pg.compute_effsize(both[f"{name}_post"], both[f"{name}_pre"], paired=True,
                                               eftype="hedges"),
            })
    prepost = pd.DataFrame(rows)
    prepost["p_holm"] = pd.concat([
        pd.Series(pg.multicomp(prepost.loc[prepost["kind"] == k, "p_val"].to_numpy(), method="holm")[1],
                  index=prepost.index[prepost["kind"] == k]) for k in ("scale", "item")])

    alpha = []
    for wave, frame in waves.items():
        for scale in base_inst["scales"]:
            cols = [i for i in scale["items"] if i in frame]
            a, ci = pg.cronbach_alpha(data=frame[cols])
            alpha.append({"wave": wave, "scale": scale["id"], "alpha": a, "ci95_low": ci[0], "ci95_high": ci[1]})
    reliability = pd.DataFrame(alpha)

    counts = pd.concat([
        frame[items].melt(var_name="item", value_name="code").value_counts().rename("n").reset_index()
        .assign(wave=wave) for wave, frame in waves.items()], ignore_index=True)

    tables = {"prepost": prepost, "reliability": reliability, "answer_counts": counts}
    for name, t in tables.items():
        t.to_csv(args.out / f"{name}.csv", index=False)
    with pd.ExcelWriter(args.out / "tables.xlsx") as xl:
        for name, t in tables.items():
            t.to_excel(xl, sheet_name=name, index=False)
    print(f"{len(pairs):,} matched pairs; {len(prepost)} paired tests", file=sys.stderr)


if __name__ == "__main__":
    main()
