# The vertex bootstrap of network change, computed independently in R: reference values
# for tests/test_network_uncertainty.py.
#
# Statistic, for two waves of one network and a grouping: the change in density, the
# change in the share of ties that cross groups, and the E-I index of the new ties (ties
# at the second wave not there at the first). A resample draws n people with
# replacement; the resampled network is the adjacency matrix indexed by the draws,
# Y[idx, idx], with the pairs made of two copies of one person set to NA (nobody is
# tied to themselves). This builds every resampled network as a matrix, where the
# Python code sums c_i * c_j over the ties; the two must agree.
#
# 1. "exact": a tiny network (6 people, two organisations); all 6^6 = 46656 resamples are
#    enumerated, so the bootstrap distribution is exact: the number of resamples where
#    each figure is defined, its mean, standard deviation and type-1 quantiles
#    (inverse of the empirical distribution) at 0.025 and 0.975.
# 2. "boot": the demo's cohort c1, relation worked_with, grouping organisation, the
#    people who answered the network survey at both waves (demo_network_*.csv, written
#    by demo_network.py); boot::boot with 20000 resamples: the estimate, the bootstrap
#    standard error and the percentile interval. These differ from the Python run by
#    Monte Carlo error only (different random draws), so the test allows for it.
#
# Run from this folder: Rscript bootstrap_network.R > bootstrap_network.out
suppressMessages(library(boot))
f <- function(x) sprintf("%.12g", x)

change <- function(Y0, Y1, X, idx) {
  same <- outer(idx, idx, "==")
  y0 <- Y0[idx, idx]; y1 <- Y1[idx, idx]; x <- X[idx, idx]
  y0[same] <- NA; y1[same] <- NA; x[same] <- NA
  d0 <- mean(y0, na.rm = TRUE); d1 <- mean(y1, na.rm = TRUE)
  s0 <- sum(y0 * x, na.rm = TRUE) / sum(y0, na.rm = TRUE)
  s1 <- sum(y1 * x, na.rm = TRUE) / sum(y1, na.rm = TRUE)
  nw <- y1 * (1 - y0)
  E <- sum(nw * x, na.rm = TRUE); I <- sum(nw * (1 - x), na.rm = TRUE)
  c(density_change = d1 - d0, share_external_change = s1 - s0, new_ei_index = (E - I) / (E + I))
}

# ---- 1. exact enumeration on a tiny network
n <- 6
org <- c("A", "A", "A", "B", "B", "B")
X <- outer(org, org, "!=") * 1
Y0 <- matrix(0, n, n); Y1 <- matrix(0, n, n)
Y0[rbind(c(1, 2), c(2, 1), c(2, 3), c(3, 4), c(4, 5), c(5, 6))] <- 1
Y1[rbind(c(1, 2), c(2, 3), c(3, 4), c(1, 4), c(2, 5), c(4, 1), c(6, 3), c(5, 6), c(6, 2),
           c(1, 3), c(6, 4))] <- 1
grid <- as.matrix(expand.grid(rep(list(1:n), n)))
stats <- t(apply(grid, 1, function(idx) change(Y0, Y1, X, idx)))
point <- change(Y0, Y1, X, 1:n)
for (m in colnames(stats)) {
  v <- stats[, m]; v <- v[is.finite(v)]
  cat(paste(c("exact", m, f(point[[m]]), length(v), f(mean(v)), f(sd(v)),
              f(quantile(v, c(0.025, 0.975), type = 1, names = FALSE))), collapse = ","), "\n", sep = "")
}

# ---- 2. boot::boot on the demo's cohort c1 (worked_with, organisation)
people <- read.csv("demo_network_people.csv")
ties <- read.csv("demo_network_ties.csv")
p <- people[people$cohort == "c1" & people$answered_baseline == 1 & people$answered_end == 1, ]
p <- p[order(as.character(p$person)), ]  # the Python code orders people by id (as text)
pos <- setNames(seq_len(nrow(p)), p$person)
adj <- function(wave) {
  t <- ties[ties$cohort == "c1" & ties$wave == wave & ties$relation == "worked_with" &
              ties$source %in% p$person & ties$target %in% p$person, ]
  Y <- matrix(0, nrow(p), nrow(p))
  Y[cbind(pos[as.character(t$source)], pos[as.character(t$target)])] <- 1
  Y
}
D0 <- adj("baseline"); D1 <- adj("end")
DX <- outer(p$organisation, p$organisation, "!=") * 1
set.seed(20240312)
b <- boot(seq_len(nrow(p)), function(d, i) change(D0, D1, DX, d[i]), R = 20000)
for (k in seq_along(b$t0)) {
  v <- b$t[, k]; v <- v[is.finite(v)]
  cat(paste(c("boot", names(b$t0)[k], nrow(p), f(b$t0[[k]]), length(v), f(sd(v)),
              f(quantile(v, c(0.025, 0.975), names = FALSE))), collapse = ","), "\n", sep = "")
}
