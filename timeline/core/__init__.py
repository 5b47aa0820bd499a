"""Core: reading the input folders (files), YAML that guesses nothing (yamlfile), the small checks every
reader shares (validate), worker processes (workers) and keeping a big build's memory work cheap
(memory). Nothing here knows what a fact is."""
