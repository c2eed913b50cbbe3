"""QAF pages: a facility's months, declarations, payments, statements, reports; the plan's
list of facilities late or not declared; the rate table."""
