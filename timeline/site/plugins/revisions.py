"""The fact page's History section: a fact_history row's earlier values as a person reads them."""
from datasette import hookimpl

from timeline.database import history


@hookimpl
def extra_template_vars():
    return {"revision_values": history.previous_values}
