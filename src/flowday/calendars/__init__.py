"""Calendars: ICS import and export, and sharing availability (application layer).

flowday sits beside the calendars people already keep (Outlook, Google, Apple). This
package reads them with ``icalendar`` and expands repeating events with
``recurring-ical-events``; the :class:`Planner` judges every change by its rules, and
every write goes through :meth:`Store.transaction`. Each module documents its part:

- :mod:`.reading`: reading a file, bounded in size; unsafe time zones dropped
- :mod:`.tolerant`: a part with a bad line that flowday does not need is left out, with a notice
- :mod:`.messages`: several calendars in one file (invitations, updates, cancellations)
- :mod:`.windows_zones`: Outlook's time zone display names (from CLDR)
- :mod:`.bounds`: the range, and bounding the work of each repeating rule
- :mod:`.expansion`: events into blocks and notes (split at midnight, declined, cancelled)
- :mod:`.sources`: how an imported block remembers its event (``ics:<UID>``)
- :mod:`.importing`: planning the import's changes and applying them in one transaction
- :mod:`.exporting`: the plan as standard events; writing files
- :mod:`.sharing`: availability as text and as free/busy
- :mod:`.values`: the typed boundary to icalendar's loosely typed values

Only the calendar commands import this package (icalendar costs tens of milliseconds).
"""

from __future__ import annotations

from flowday.calendars.bounds import DEFAULT_RANGE_DAYS, check_range
from flowday.calendars.exporting import export_calendar, write_file
from flowday.calendars.importing import ImportReport, Progress, import_calendar
from flowday.calendars.sharing import freebusy_calendar, share_text

__all__ = [
    "DEFAULT_RANGE_DAYS",
    "ImportReport",
    "Progress",
    "check_range",
    "export_calendar",
    "freebusy_calendar",
    "import_calendar",
    "share_text",
    "write_file",
]
