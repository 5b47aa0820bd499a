"""Inputs: a story's files read and checked. sources.yaml and the articles (sources, with what is worked
out from each article alone: articles), entities.yaml (entities), the facts files (facts) and their
dates (dating), the curator's set-aside and resolutions files (curation), and the whole story at once
(story.check, giving Inputs). YAML in, checked records out, every problem collected."""
