"""Helpers for tests that race real threads against a real database."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def race(*actions: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run ``actions`` in threads released together by a barrier.

    Returns each action's result, or the exception it raised, in order.
    Every thread closes its own database connections when done, since
    Django opens one per thread.
    """
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = action()
        except BaseException as error:  # handed back to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, action), daemon=True)
        for i, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
        if thread.is_alive():
            raise TimeoutError("a racing action did not finish")
    return results
