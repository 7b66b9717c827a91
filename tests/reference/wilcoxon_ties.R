# Wilcoxon signed-rank on scale means whose differences tie in exact arithmetic.
# Reference for tests/test_stats.py::test_wilcoxon_ranks_float_noise_as_ties.
# Three-item scale sums for 16 people; the scale score is the mean (sum / 3).
# On the sums the differences are integers (exact ties); on the means R, like numpy,
# can split them unless ranks are taken at a stated precision (digits.rank).
pre_sums  <- c(13, 12, 8, 9, 9, 10, 9, 6, 11, 9, 9, 14, 10, 10, 11, 6)
post_sums <- c(11, 14, 12, 10, 9, 10, 8, 8, 12, 11, 10, 15, 12, 12, 11, 6)
exact <- suppressWarnings(wilcox.test(post_sums, pre_sums, paired = TRUE))
means <- suppressWarnings(wilcox.test(post_sums / 3, pre_sums / 3, paired = TRUE, digits.rank = 7))
cat(sprintf("sums:  V = %.15g, p = %.15g\n", exact$statistic, exact$p.value))
cat(sprintf("means: V = %.15g, p = %.15g\n", means$statistic, means$p.value))
# Output (R 4.x):
# sums:  V = 66.5, p = 0.0304388015605906
# means: V = 66.5, p = 0.0304388015605906
