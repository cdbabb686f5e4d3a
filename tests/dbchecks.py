import pytest
from django.db import DataError, IntegrityError, transaction


def assert_refused(factory, **fields) -> None:
    """The database itself, not a form, refuses the row (PostgreSQL says DataError for an over-long value)."""
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        factory(**fields)
