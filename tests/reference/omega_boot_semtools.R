# Bootstrap interval of McDonald's omega total, refitting the analysis's own resamples with
# lavaan + semTools (R). Reference for
# tests/test_stats.py::test_omega_interval_matches_semtools_refits_of_the_same_resamples.
# Data: demo_keyed_items.csv (complete answers, reverse-keyed items reversed) and
# demo_omega_resamples.csv.gz (how often each of a block's rows, in the order of
# demo_keyed_items.csv, is drawn in each of omega_total's 200 resamples), both written by
# demo_data.py. Each resample is a one-factor ML fit (lavaan::cfa, std.lv = TRUE, residual
# variances bounded at zero, bounds = "pos.var": a Heywood case, common in resamples of
# three-item scales, sits at zero instead of running off below it) and
# semTools::compRelSEM(obs.var = FALSE). A likelihood with a Heywood case can have several
# local maxima, one per item that takes all its variance: where the fit has a residual
# variance at zero, it is refitted from one start per item (that item's standardized
# loading 0.99, the others 0.6) and the lowest discrepancy kept, as evaluate.stats.omega
# does. The interval is the 2.5th and 97.5th percentiles
# (quantile type 7, numpy's default) of the resamples lavaan reports as converged.
# Output per block: instrument | wave | scale | resamples converged | low | high, then
# one line per resample: key | resample | converged | omega | smallest residual variance
# (as a share of the item's variance).
# Run from this folder: Rscript omega_boot_semtools.R > omega_boot_semtools.out
# (about 12 s of CPU per block; `Rscript omega_boot_semtools.R FIRST LAST` runs blocks
# FIRST to LAST only, to share the work between processes and concatenate the outputs).
suppressMessages({library(lavaan); library(semTools)})
d <- read.csv("demo_keyed_items.csv", encoding = "UTF-8")
r <- read.csv(gzfile("demo_omega_resamples.csv.gz"), encoding = "UTF-8")
d$key <- paste(d$instrument, d$wave, d$scale, sep = "|")
r$key <- paste(r$instrument, r$wave, r$scale, sep = "|")
refit <- function(model, x) {
  suppressWarnings(cfa(model, data = x, std.lv = TRUE, se = "none", test = "none",
                       bounds = "pos.var"))
}
# the start with item j almost all common variance (standardized loading 0.99, others 0.6)
started <- function(items, j, x) {
  l <- rep(0.6, length(items))
  l[j] <- 0.99
  v <- apply(x, 2, var)
  paste0("f =~ ", paste0("start(", l * sqrt(v), ")*", items, collapse = " + "), "\n",
         paste0(items, " ~~ start(", (1 - l^2) * v, ")*", items, collapse = "\n"))
}
keys <- unique(r$key)
span <- as.integer(commandArgs(trailingOnly = TRUE))
if (length(span) == 2) keys <- keys[span[1]:min(span[2], length(keys))]
for (key in keys) {
  detail <- character(0)
  s <- d[d$key == key, ]
  items <- grep("^i[0-9]+$", names(s), value = TRUE)
  items <- items[colSums(is.na(s[items])) == 0]
  model <- paste("f =~", paste(items, collapse = " + "))
  draws <- r[r$key == key, ]
  omega <- rep(NA_real_, nrow(draws))
  ok <- rep(FALSE, nrow(draws))
  for (b in seq_len(nrow(draws))) {
    counts <- as.integer(strsplit(draws$counts[b], " ")[[1]])
    stopifnot(length(counts) == nrow(s))
    x <- s[rep(seq_len(nrow(s)), counts), items]
    fit <- refit(model, x)
    ok[b] <- lavInspect(fit, "converged")
    theta <- NA_real_
    if (ok[b]) {
      theta <- min(diag(lavInspect(fit, "est")$theta) / apply(x, 2, var))
      if (theta < 1e-6) {  # a Heywood case: the best of one start per item's basin
        best <- lavInspect(fit, "optim")$fx
        for (j in seq_along(items)) {
          other <- refit(started(items, j, x), x)
          if (lavInspect(other, "converged") && lavInspect(other, "optim")$fx < best - 1e-12) {
            fit <- other
            best <- lavInspect(other, "optim")$fx
          }
        }
        theta <- min(diag(lavInspect(fit, "est")$theta) / apply(x, 2, var))
      }
      omega[b] <- as.numeric(compRelSEM(fit, obs.var = FALSE))
    }
    detail <- c(detail, sprintf("%s|%d|%s|%.15g|%.6g", key, b, ok[b], omega[b], theta))
  }
  q <- quantile(omega[ok], c(0.025, 0.975), type = 7, names = FALSE)
  cat(sprintf("%s|%d|%.15g|%.15g\n", key, sum(ok), q[1], q[2]))
  cat(detail, sep = "\n")
  cat("\n")
}
