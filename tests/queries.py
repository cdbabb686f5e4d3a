from django.db import connection
from django.test.utils import CaptureQueriesContext


def get_queries(client, url: str, params: dict | None = None) -> int:
    """The number of database queries a successful GET of `url` makes."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return len(queries)
