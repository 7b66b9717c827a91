# Gould-Fernandez brokerage with R sna::brokerage: reference values for
# tests/test_network_brokerage.py (raw counts raw.nli, standardised z.nli, and the
# whole network's raw.gli, exp.gli, sd.gli, z.gli).
# Data: Krackhardt's advice network (../shared/reference-data/krackhardt/, beside the
# repository), grouped by department and by level; and the demo's networks
# (demo_network_*.csv, written by demo_network.py): each cohort, wave, relation
# (worked_with, advice, knew_before, and any = their union) and grouping (organisation,
# sector, place), every cohort member a node, reported ties.
# Run from this folder: Rscript brokerage_sna.R > brokerage_sna.out
suppressMessages(library(sna))
f <- function(x) sprintf("%.12g", x)
emit <- function(name, m, cl, people) {
  b <- brokerage(m, cl)
  for (i in seq_len(nrow(m))) {
    cat(paste(c("person", name, people[i], f(b$raw.nli[i, ]), f(b$z.nli[i, ])), collapse = ","), "\n", sep = "")
  }
  for (r in seq_along(b$raw.gli)) {
    cat(paste(c("whole", name, names(b$raw.gli)[r], f(b$raw.gli[r]), f(b$exp.gli[r]),
                f(b$sd.gli[r]), f(b$z.gli[r])), collapse = ","), "\n", sep = "")
  }
}
kdir <- "../../../shared/reference-data/krackhardt/"
adv <- read.csv(paste0(kdir, "advice.csv"))
att <- read.csv(paste0(kdir, "attributes.csv"))
m <- matrix(0, 21, 21)
e <- adv[adv$advice_tie == 1 & adv$ego != adv$alter, ]
m[cbind(e$ego, e$alter)] <- 1
emit("krackhardt|DEPT", m, att$DEPT, att$ids)
emit("krackhardt|LEVEL", m, att$LEVEL, att$ids)

people <- read.csv("demo_network_people.csv", stringsAsFactors = FALSE)
ties <- read.csv("demo_network_ties.csv", stringsAsFactors = FALSE)
for (co in sort(unique(people$cohort))) {
  p <- people[people$cohort == co, ]
  p <- p[order(p$person), ]
  for (wave in c("baseline", "end")) {
    for (rel in c("worked_with", "advice", "knew_before", "any")) {
      t <- ties[ties$cohort == co & ties$wave == wave, ]
      if (rel != "any") t <- t[t$relation == rel, ]
      m <- matrix(0, nrow(p), nrow(p))
      m[cbind(match(t$source, p$person), match(t$target, p$person))] <- 1
      for (attr in c("organisation", "sector", "place")) {
        emit(paste("demo", co, wave, rel, attr, sep = "|"), m, p[[attr]], p$person)
      }
    }
  }
}
