"""Ingest: a page, a web archive, a text file or a URL made into a pinned source (add_source). Fetching
and WARC files (archive), the article's text and metadata (extract), and the evidence for each value
found on the page (evidence)."""
