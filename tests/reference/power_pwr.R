# Pairs needed by a two-sided paired t-test (alpha 0.05) at 80% and 90% power, with pwr (R).
# Reference for tests/test_stats.py::test_planning_matches_pwr.
# d: the demo's observed d_z (baseline -> end, then baseline -> follow_up, scales in
# instrument order), and half of each. pwr solves n with uniroot's default tolerance
# (about 1e-4), so the test compares n to 1e-3 and the rounded-up n exactly; the power at
# a given n is computed in closed form and compared to 1e-10.
suppressMessages(library(pwr))
d <- c(0.8033364869651388, 0.729673623985199, 0.6078126111623837, 0.42500442726544707,
       0.29596447146563243, -0.12477647191208754, 0.6726717382345598, 0.4287247607019674,
       0.8714455155239066, 0.4008534864230255, 0.45930256972092287, 0.5252763536132244,
       0.36166008126624, -0.10131820403263062, 0.5189870138820404, 0.4123760997910435)
for (share in c(1, 0.5)) for (power in c(0.8, 0.9)) for (dz in d) {
  n <- pwr.t.test(d = abs(dz) * share, power = power, sig.level = 0.05, type = "paired")$n
  cat(sprintf("%.17g|%.1f|%.1f|%.10f\n", dz, share, power, n))
}
for (n in c(10, 34, 61)) for (dz in c(0.2, 0.5, 0.8)) {
  p <- pwr.t.test(n = n, d = dz, sig.level = 0.05, type = "paired")$power
  cat(sprintf("power|%d|%.1f|%.15g\n", n, dz, p))
}
