"""Waiting in pilot tests for the app's background work."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.worker import WorkerState


async def workers_done(app: App, limit: float = 30.0) -> None:
    """Until no worker of the app is pending or running.

    Textual's `workers.wait_for_complete()` raises `WorkerCancelled` when one of the
    workers it waits on is cancelled, and the app cancels on purpose: an exclusive
    worker (the live score, a month-end recount) is replaced by the one the next key
    starts. A cancelled or replaced worker is finished work here; a worker that failed
    still fails the test.
    """
    loop = asyncio.get_running_loop()
    give_up = loop.time() + limit
    while True:
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        failed = [w for w in app.workers if w.state == WorkerState.ERROR]
        if failed:
            raise AssertionError(f"a worker failed: {failed[0].name}: {failed[0].error!r}")
        if not busy:
            return
        assert loop.time() < give_up, f"workers still running: {busy}"
        await asyncio.gather(*(w.wait() for w in busy), return_exceptions=True)
