"""Text: an article's sentences (sentences), finding a quote in it (quotes), dates and date phrases
(dates), what a sentence mentions (mentions: dates, numbers, quotations, speakers), the detail that
makes a sentence worth citing (signals) and the content words corroboration compares (words). Text in,
spans and values out."""
