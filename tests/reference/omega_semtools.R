# McDonald's omega total (one factor, ML, model-implied variance) per scale and wave,
# with lavaan + semTools (R). Reference for tests/test_stats.py::test_omega_matches_semtools_on_the_demo.
# Data: demo_keyed_items.csv (complete answers, reverse-keyed items reversed), written by demo_data.py.
# Run from this folder: Rscript omega_semtools.R > omega_semtools.out
suppressMessages({library(lavaan); library(semTools)})
d <- read.csv("demo_keyed_items.csv", encoding = "UTF-8")
for (key in unique(paste(d$instrument, d$wave, d$scale, sep = "|"))) {
  s <- d[paste(d$instrument, d$wave, d$scale, sep = "|") == key, ]
  items <- grep("^i[0-9]+$", names(s), value = TRUE)
  items <- items[colSums(is.na(s[items])) == 0]
  if (length(items) < 3) next
  model <- paste("f =~", paste(items, collapse = " + "))
  fit <- suppressWarnings(cfa(model, data = s[items], std.lv = TRUE))
  omega <- compRelSEM(fit, obs.var = FALSE)
  cat(sprintf("%s|%d|%.15g\n", key, nrow(s), as.numeric(omega)))
}
