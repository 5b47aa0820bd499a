"""The site: Datasette's pages for the database (templates/, plugins/, static/, metadata.json with every
table and column described), the JSON Schemas of the YAML files (schema/), the files `timeline init`
writes (story/), and the code that serves (server, asgi) and publishes (publish) it."""
import os

SITE = os.path.dirname(os.path.abspath(__file__))  # the packaged site
SITE_TEMPLATES = os.path.join(SITE, "templates")
SITE_PLUGINS = os.path.join(SITE, "plugins")
SITE_STATIC = os.path.join(SITE, "static")
SITE_METADATA = os.path.join(SITE, "metadata.json")
SITE_SCHEMAS = os.path.join(SITE, "schema")  # JSON Schemas of sources.yaml, entities.yaml, the facts files
NEW_STORY = os.path.join(SITE, "story")  # what `timeline init` writes
