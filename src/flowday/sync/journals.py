"""Which of flowday's day records a journal on the server holds (:mod:`.days`,
:mod:`.reflections`)."""

from __future__ import annotations

import icalendar

from flowday.calendars.values import uid_of
from flowday.sync import days, reflections
from flowday.sync.state import Fields


def read_journal(journal: icalendar.Component) -> tuple[str, Fields | None, bool, bool]:
    """A journal flowday wrote, as (UID, fields, marked, plain); fields None: not one of
    flowday's day records (another app's journal, or one whose X- properties a server
    dropped), remembered and left alone."""
    uid = uid_of(journal)
    for module in (days, reflections):
        if module.MARK in journal:
            fields = module.read(journal, uid)
            return uid, fields, True, fields is not None and module.is_plain(journal)
    return uid, None, False, False
