"""The application as a server runs it: ``gunicorn 'ocop_rating.wsgi:app'``.

Created once from the environment (``OCOP_*``, ``instance/config.py``) and warmed before the
first request (:mod:`ocop_rating.warmup`): with ``--preload`` once in gunicorn's master, else
in each worker as it boots."""
from __future__ import annotations

import gc
import logging

from . import create_app
from .warmup import warm_up

app = create_app()
_spent = warm_up(app)
# What start-up built lives as long as the process: kept out of the collector's passes (a
# full pass over it inside a request showed as 110-200 ms spikes), and, under --preload, left
# untouched so the forked workers share its memory pages.
gc.freeze()
logging.getLogger(__name__).info(
    "warmed up in %.2f s (%s)", sum(_spent.values()),
    ", ".join(f"{name} {seconds:.2f} s" for name, seconds in _spent.items()))
