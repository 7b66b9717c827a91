# Cohort x time mixed ANOVA, Type III sums of squares, with afex (R).
# Reference values for tests/test_stats.py::test_cohort_anova_type_iii_matches_afex.
# Data: demo_prepost_scores.csv, written by demo_data.py from the demo workspace.
# Run from this folder: Rscript anova_afex.R > anova_afex.out
suppressMessages(library(afex))
d <- read.csv("demo_prepost_scores.csv", encoding = "UTF-8", check.names = FALSE)
for (key in unique(paste(d$scale, d$comparison, sep = "|"))) {
  s <- d[paste(d$scale, d$comparison, sep = "|") == key, ]
  sizes <- table(s$cohort)
  s <- s[s$cohort %in% names(sizes)[sizes >= 2], ]
  if (length(unique(s$cohort)) < 2) next
  s$id <- seq_len(nrow(s))
  long <- rbind(data.frame(id = s$id, cohort = s$cohort, time = "pre", score = s$pre),
                data.frame(id = s$id, cohort = s$cohort, time = "post", score = s$post))
  a <- suppressMessages(aov_ez("id", "score", long, between = "cohort", within = "time", type = 3))
  u <- summary(a$Anova, multivariate = FALSE)$univariate.tests
  for (src in c("cohort", "time", "cohort:time")) {
    cat(sprintf("%s|%s|%.15g|%.15g|%.15g|%.15g\n", key, src, u[src, "Sum Sq"],
                u[src, "F value"], u[src, "Pr(>F)"], u[src, "den Df"]))
  }
}
