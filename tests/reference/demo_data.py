"""Write the demo's scale scores and keyed item answers as csv, for the R reference scripts.

Run from the repository root: ``python tests/reference/demo_data.py``. It builds the
demo workspace from ``sample_data/`` in a temporary folder and writes

- ``demo_prepost_scores.csv``: scale, comparison, cohort, pre, post — every programme
  participant with a score at both waves (no ids: the R scripts number the rows);
- ``demo_keyed_items.csv``: instrument, wave, scale, i1 … i5 — the complete answers of
  each scale at each wave, reverse-keyed items already reversed;
- ``demo_omega_resamples.csv.gz``: instrument, wave, scale, resample, counts — the
  analysis's own bootstrap resamples of each block above (how often each of its rows, in
  the order written, is drawn; ``omega_total``'s 200 resamples from seed 2024);
- ``demo_comparison_scores.csv``: scale, comparison, group (programme / comparison), pre,
  post — matched scores of both groups from the first wave to each later one.

The R scripts beside this file read them (``anova_afex.R``, ``omega_semtools.R``,
``omega_boot_semtools.R``, ``comparison_did.R``).
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
#: The analysis's bootstrap of omega: resamples and seed (``omega_total``'s defaults).
OMEGA_N_BOOT, OMEGA_SEED = 200, 2024


def main() -> None:
    from evaluate.demo import build_demo_workspace
    from evaluate.roster import split_by_group
    from evaluate.stats.measures import measure_values
    from evaluate.stats.omega import OMEGA_MIN_ITEMS, OMEGA_MIN_N
    from evaluate.stats.omega_resamples import draw_counts
    from evaluate.stats.reliability import _reliability_blocks

    with tempfile.TemporaryDirectory() as tmp:
        ws, _ = build_demo_workspace(Path(tmp) / "ws", HERE.parent.parent / "sample_data")
        responses, comparison = split_by_group(ws.responses(), ws.roster())
        instruments = ws.instruments()
        mv = measure_values(responses, instruments, waves=ws.waves)
        rows = []
        keys = [k for k in mv.meta.index
                if mv.info(k)["kind"] == "scale" and mv.info(k)["then_of_key"] == ""]
        for i, wa in enumerate(mv.waves):
            for wb in mv.waves[i + 1:]:
                fa, fb = mv.frame(wa), mv.frame(wb)
                common = fa.index.intersection(fb.index)
                for key in keys:
                    if key not in fa.columns or key not in fb.columns:
                        continue
                    x, y = fa.reindex(common)[key], fb.reindex(common)[key]
                    ok = (x.notna() & y.notna()).to_numpy()
                    people = common[ok]
                    if not len(people):
                        continue
                    part = pd.DataFrame({"scale": mv.info(key)["measure"],
                                         "comparison": f"{wa} → {wb}",
                                         "cohort": mv.cohort.reindex(people).to_numpy(),
                                         "pre": x[ok].to_numpy(), "post": y[ok].to_numpy()})
                    rows.append(part.sort_values(["cohort", "pre", "post"]))
        pd.concat(rows).to_csv(HERE / "demo_prepost_scores.csv", index=False,
                               float_format="%.17g", lineterminator="\n")
        blocks, resamples = [], []
        for inst, wave, scale, keyed in _reliability_blocks(responses, instruments):
            complete = keyed.dropna().to_numpy()
            frame = pd.DataFrame(complete, columns=[f"i{j + 1}" for j in range(complete.shape[1])])
            frame.insert(0, "scale", scale.id)
            frame.insert(0, "wave", wave)
            frame.insert(0, "instrument", inst.ref)
            frame = frame.sort_values(list(frame.columns[3:]), kind="stable")
            blocks.append(frame)
            if complete.shape[1] >= OMEGA_MIN_ITEMS and len(complete) >= OMEGA_MIN_N:
                # the analysis's own resamples, columns in the order of the rows written
                counts = draw_counts(len(complete), OMEGA_N_BOOT, OMEGA_SEED)[:, frame.index]
                resamples += [f"{inst.ref},{wave},{scale.id},{b + 1},{' '.join(map(str, c))}"
                              for b, c in enumerate(counts)]
        items = pd.concat(blocks)
        for c in [c for c in items.columns if c.startswith("i") and c != "instrument"]:
            items[c] = items[c].astype("Int64") if np.allclose(items[c].dropna() % 1, 0) else items[c]
        items.to_csv(HERE / "demo_keyed_items.csv", index=False, lineterminator="\n")
        with gzip.GzipFile(HERE / "demo_omega_resamples.csv.gz", "wb", mtime=0) as out:
            out.write(("instrument,wave,scale,resample,counts\n"
                       + "\n".join(resamples) + "\n").encode())
        everyone = measure_values(pd.concat([responses, comparison]), instruments, waves=ws.waves)
        in_comparison = set(comparison["participant"])
        first = everyone.waves[0]
        rows = []
        for wb in everyone.waves[1:]:
            fa, fb = everyone.frame(first), everyone.frame(wb)
            common = fa.index.intersection(fb.index)
            for key in keys:
                if key not in fa.columns or key not in fb.columns:
                    continue
                x, y = fa.reindex(common)[key], fb.reindex(common)[key]
                ok = (x.notna() & y.notna()).to_numpy()
                if not ok.any():
                    continue
                part = pd.DataFrame({
                    "scale": everyone.info(key)["measure"], "comparison": f"{first} → {wb}",
                    "group": np.where(common[ok].isin(in_comparison), "comparison", "programme"),
                    "pre": x[ok].to_numpy(), "post": y[ok].to_numpy()})
                rows.append(part.sort_values(["group", "pre", "post"]))
        pd.concat(rows).to_csv(HERE / "demo_comparison_scores.csv", index=False,
                               float_format="%.17g", lineterminator="\n")


if __name__ == "__main__":
    main()
