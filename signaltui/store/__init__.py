"""The SQLite store: the only package that touches SQLite (through sqlite-utils).

>>> with Store.memory() as store:
...     event_id = store.record_event({"type": "identify"}, {"type": "identify"})
...     store.get_event(event_id).type
'identify'
"""

from signaltui.store.base import NotFoundError
from signaltui.store.connection import DEFAULT_BUSY_TIMEOUT
from signaltui.store.models import DeliveryDetail, DeliveryRow, EventRow, RunRow, StoreItem
from signaltui.store.schema import LATEST_VERSION
from signaltui.store.store import Store

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "LATEST_VERSION",
    "DeliveryDetail",
    "DeliveryRow",
    "EventRow",
    "NotFoundError",
    "RunRow",
    "Store",
    "StoreItem",
]
