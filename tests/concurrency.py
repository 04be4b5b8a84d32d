"""Running several requests' worth of work at the same moment, each on its own connection."""

import threading

import pytest
from django.db import connection, connections

# Concurrency tests need a database that runs writers at once.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database that runs writers at once"
)


def run_at_once(functions) -> list:
    """Call every function in its own thread, released together; their results, in order.

    Fails the test if any of them raised.
    """
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results
