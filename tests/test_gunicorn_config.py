"""gunicorn's settings: a worker freezes its start-up objects (gunicorn loads the file in
tests/test_entry_points.py)."""

from __future__ import annotations

import gc

from trace import gunicorn_config


def test_a_worker_freezes_what_it_built_at_start_up():
    gc.unfreeze()
    try:
        gunicorn_config.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
