"""Bad input in a URL is the client's mistake: answer 400 with Datasette's error page, not 500.

Datasette 0.65 answers some malformed parameters with a server error: `?_sort=nosuch` ("Cannot sort
table by nosuch"), `?_sort=a&_sort_desc=b`, and `?id__in=[` (a JSON error). A public server should
keep 5xx for real faults, so monitoring and load tests can count them; this turns those into 400.
"""
import json

from datasette import hookimpl
from datasette.handle_exception import handle_exception as datasette_error_page
from datasette.views.base import DatasetteError

CLIENT_MISTAKES = ("Cannot sort table by ", "Cannot use _sort and _sort_desc at the same time")


def client_mistake(exception):
    """The message for a 400 when `exception` was caused by the request's parameters, else None."""
    if isinstance(exception, DatasetteError) and exception.status == 500 \
            and str(exception.message).startswith(CLIENT_MISTAKES):
        return exception.message
    if isinstance(exception, json.JSONDecodeError):
        return f"A parameter holds malformed JSON ({exception.msg}): check the URL"
    return None


@hookimpl
def handle_exception(datasette, request, exception):
    message = client_mistake(exception)
    if message is None:
        return None
    return datasette_error_page(datasette, request, DatasetteError(message, title="Bad request", status=400))
