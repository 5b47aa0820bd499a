"""timeline: a source-linked event timeline and fact database."""
