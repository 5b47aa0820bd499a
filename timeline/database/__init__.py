"""Database: the checked story written into timeline.db. The SQL (schema), the rows of each table
(rows), a new file written whole and put in place atomically (write), the build that chooses between
nothing to do, a patch (patch) and a full write (build), what earlier builds left to reuse (cache), the
excerpts a public site keeps (excerpts) and each fact's revisions in git (history)."""
