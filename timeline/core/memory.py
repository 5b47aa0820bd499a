"""Keeping a large build's memory work cheap."""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cycle_collection(freeze: bool = False) -> Iterator[None]:
    """Python's cycle collector paused: reading facts makes millions of small objects and no cycles, and
    every full collection walks all the objects alive (at 100k facts that was 5 s of the build). With
    `freeze`, the objects still alive at the end are left out of later collections too (gc.freeze):
    the first one after a build walked them all (0.4 s at 100k facts); they are freed as usual when
    no longer used."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze and paused:
            gc.freeze()
        if paused:
            gc.enable()
