"""Helpers for tests that race real threads against a real database."""

import re
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.urls import URLPattern, URLResolver, get_resolver


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


_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def url_routes(patterns=None, prefix: str = ""):
    """Yield (route, pattern) for every view the project's URLconf names.

    Tests that walk the site use it, so a view added later is walked too.
    """
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def url_parameters(route: str) -> list[str]:
    """Return the names of the parameters in ``route``."""
    return _PARAMETER.findall(route)


def url_fill(route: str, values: dict) -> str:
    """Return the path of ``route`` with its parameters taken from ``values``."""
    return "/" + _PARAMETER.sub(lambda m: str(values[m.group(1)]), route)
