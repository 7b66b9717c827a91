# Difference in differences (Welch t-test on change scores) and Morris (2008) d_ppc2, in R.
# Reference for tests/test_stats.py::test_comparison_matches_r_on_the_demo.
# Data: demo_comparison_scores.csv (programme and wait-list groups, matched scores), written
# by demo_data.py. d_ppc2 and its variance are written out from Morris (2008), eqs. 8 and 25,
# with the pooled within-group pre/post correlation; no package implements them.
# Run from this folder: Rscript comparison_did.R > comparison_did.out
d <- read.csv("demo_comparison_scores.csv", encoding = "UTF-8")
for (key in unique(paste(d$scale, d$comparison, sep = "|"))) {
  s <- d[paste(d$scale, d$comparison, sep = "|") == key, ]
  t_ <- s[s$group == "programme", ]; c_ <- s[s$group == "comparison", ]
  w <- t.test(t_$post - t_$pre, c_$post - c_$pre)  # Welch
  nt <- nrow(t_); nc <- nrow(c_); n <- nt + nc
  sd_pre <- sqrt(((nt - 1) * var(t_$pre) + (nc - 1) * var(c_$pre)) / (n - 2))
  rho <- ((nt - 1) * cov(t_$pre, t_$post) + (nc - 1) * cov(c_$pre, c_$post)) /
    sqrt(((nt - 1) * var(t_$pre) + (nc - 1) * var(c_$pre)) *
         ((nt - 1) * var(t_$post) + (nc - 1) * var(c_$post)))
  cp <- 1 - 3 / (4 * (n - 2) - 1)
  dppc2 <- cp * ((mean(t_$post) - mean(t_$pre)) - (mean(c_$post) - mean(c_$pre))) / sd_pre
  m <- n / (nt * nc)
  v <- 2 * cp^2 * (1 - rho) * m * (n - 2) / (n - 4) * (1 + dppc2^2 / (2 * (1 - rho) * m)) - dppc2^2
  z <- qnorm(0.975)
  g <- t.test(t_$pre, c_$pre)
  cat(sprintf("%s|%d|%d|%.15g|%.15g|%.15g|%.15g|%.15g|%.15g|%.15g|%.15g\n", key, nt, nc,
              unname(w$estimate[1] - w$estimate[2]), w$conf.int[1], w$conf.int[2], w$p.value,
              dppc2, dppc2 - z * sqrt(v), dppc2 + z * sqrt(v), g$p.value))
}
