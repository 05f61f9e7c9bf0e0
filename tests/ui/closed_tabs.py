"""What "this tab is closed" means now that closed ticket pages are kept to reuse
(``ui.tabs.POOL_SIZE``): gone from the tabs, and either deleted or emptied in the pool
(no record, no edits) — never still showing the ticket it had."""
from __future__ import annotations

import shiboken6

from ui.record_tab import RecordTab
from ui.tabs import RecordTabs


def closed(tabs: RecordTabs, tab: RecordTab) -> bool:
    if not shiboken6.isValid(tab):
        return True
    return tabs.indexOf(tab) < 0 and tab in tabs.pooled() and tab.detail is None and not tab.is_dirty()
