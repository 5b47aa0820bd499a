"""Across sources: what the checked records say together. Which sources are independent
(corroboration), which facts disagree (conflicts), how quotes of the same words differ (variants),
which sentences nothing cites yet (coverage) and candidate facts for them (suggest)."""
