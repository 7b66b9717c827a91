# Continuous core-periphery coreness (Borgatti & Everett 1999, fitted by minimum residuals
# as Boyd et al. 2010: c minimises the sum over i != j of (a_ij - c_i c_j)^2), with base R
# optim (BFGS) on the dense matrix from the degrees and from 20 random starts, keeping the
# best; then the discrete core: the top k by coreness, k maximising the correlation of the
# ties with the ideal pattern (core-core tied, periphery-periphery not, core-periphery
# pairs left out; of equally good sizes the largest), found by trying every k. Reference values for
# tests/test_network_coreness.py.
# Data: Krackhardt's advice network (../shared/reference-data/krackhardt/, beside the
# repository) and the demo's networks (demo_network_*.csv, written by demo_network.py):
# each cohort, wave and relation (worked_with, any), directions ignored (tied either way).
# Run from this folder: Rscript coreness_optim.R > coreness_optim.out
set.seed(14)
f <- function(x) sprintf("%.12g", x)
fit_core <- function(a) {
  n <- nrow(a)
  off <- row(a) != col(a)
  loss <- function(c) { p <- outer(c, c); sum((a[off] - p[off])^2) }
  grad <- function(c) { r <- a - outer(c, c); diag(r) <- 0; -4 * as.vector(r %*% c) }
  starts <- c(list((rowSums(a) + 0.5) / sqrt(sum(a))), replicate(20, runif(n), simplify = FALSE))
  best <- NULL
  for (s in starts) {
    o <- optim(s, loss, grad, method = "BFGS", control = list(maxit = 10000, reltol = 1e-15))
    if (is.null(best) || o$value < best$value) best <- o
  }
  c <- best$par
  if (sum(c) < 0) c <- -c
  up <- upper.tri(a)
  r <- cor(a[up], outer(c, c)[up])
  ord <- order(-c)
  bestk <- NA; bestphi <- -Inf
  for (k in 2:(n - 2)) {
    core <- rep(FALSE, n); core[ord[1:k]] <- TRUE
    cc <- outer(core, core, "&") & up
    pp <- outer(!core, !core, "&") & up
    phi <- cor(c(a[cc], a[pp]), c(rep(1, sum(cc)), rep(0, sum(pp))))
    if (!is.na(phi) && phi >= bestphi - 1e-12) { bestphi <- max(phi, bestphi); bestk <- k }
  }
  core <- rep(FALSE, n); core[ord[1:bestk]] <- TRUE
  list(c = c, r = r, core = core, k = bestk, phi = bestphi, loss = best$value)
}
emit <- function(name, a, people) {
  x <- fit_core(a)
  for (i in seq_along(people)) cat("person", name, people[i], f(x$c[i]), as.integer(x$core[i]), "\n", sep = ",")
  cat("whole", name, f(x$r), x$k, f(x$phi), f(x$loss), "\n", sep = ",")
}
kdir <- "../../../shared/reference-data/krackhardt/"
adv <- read.csv(paste0(kdir, "advice.csv"))
a <- matrix(0, 21, 21)
e <- adv[adv$advice_tie == 1 & adv$ego != adv$alter, ]
a[cbind(e$ego, e$alter)] <- 1
a <- 1 * ((a + t(a)) > 0)
emit("krackhardt", a, 1:21)
people <- read.csv("demo_network_people.csv", stringsAsFactors = FALSE)
ties <- read.csv("demo_network_ties.csv", stringsAsFactors = FALSE)
for (co in sort(unique(people$cohort))) {
  p <- people[people$cohort == co, ]
  p <- p[order(p$person), ]
  for (wave in c("baseline", "end")) {
    for (rel in c("worked_with", "any")) {
      t <- ties[ties$cohort == co & ties$wave == wave, ]
      if (rel != "any") t <- t[t$relation == rel, ]
      a <- matrix(0, nrow(p), nrow(p))
      a[cbind(match(t$source, p$person), match(t$target, p$person))] <- 1
      a <- 1 * ((a + t(a)) > 0)
      emit(paste("demo", co, wave, rel, sep = "|"), a, p$person)
    }
  }
}
