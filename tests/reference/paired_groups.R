# Paired statistics within groups, as evaluate.stats.paired_groups.paired_by_group computes
# them for all groups at once. Reference for tests/test_paired_groups.py.
# Group a: 12 people answering on a 1-5 scale (ties and zeros: normal approximation);
# group b: 8 people with continuous scores and no tied differences (exact Wilcoxon);
# group c: 2 people (descriptives only, no test).
suppressPackageStartupMessages(library(effectsize))
a_pre  <- c(3, 4, 2, 5, 3, 3, 4, 2, 3, 4, 5, 1)
a_post <- c(4, 4, 3, 5, 5, 4, 4, 3, 2, 5, 5, 3)
b_pre  <- c(2.1, 3.4, 1.9, 4.2, 3.3, 2.8, 3.9, 2.5)
b_post <- b_pre + c(0.8, -0.2, 0.7, 1.1, 0.15, 0.25, 0.6, 1.35)
show <- function(name, pre, post) {
  tt <- t.test(post, pre, paired = TRUE)
  ww <- suppressWarnings(wilcox.test(post, pre, paired = TRUE))
  dz <- cohens_d(post - pre, ci = 0.95)  # one-sample d of the differences = d_z, noncentral t CI
  cat(sprintf("%s: t = %.15g, df = %d, p = %.15g, ci = [%.15g, %.15g]\n", name,
              tt$statistic, as.integer(tt$parameter), tt$p.value, tt$conf.int[1], tt$conf.int[2]))
  cat(sprintf("%s: V = %.15g, p = %.15g\n", name, ww$statistic, ww$p.value))
  cat(sprintf("%s: dz = %.15g, ci = [%.15g, %.15g]\n", name, dz$Cohens_d, dz$CI_low, dz$CI_high))
}
show("a", a_pre, a_post)
show("b", b_pre, b_post)
