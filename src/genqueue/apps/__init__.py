"""Built-in job types, written on the public registry API; `builtin_registry()` has them all."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from genqueue.worker.registry import Registry

BUILTIN_APPS = (
    "genqueue.apps.demo",
    "genqueue.apps.services",
    "genqueue.apps.characters",
    "genqueue.apps.library360",
    "genqueue.apps.stories",
    "genqueue.apps.snap2story",
)


def load_registry(apps: Iterable[str] = ()) -> Registry:
    """The built-in apps plus user apps named by module path; each module exposes `registry`."""
    combined = Registry()
    for path in (*BUILTIN_APPS, *apps):
        module = importlib.import_module(path)
        app_registry = getattr(module, "registry", None)
        if not isinstance(app_registry, Registry):
            raise ValueError(f"app module {path!r} has no `registry = Registry()`")
        combined.include(app_registry)
    return combined
