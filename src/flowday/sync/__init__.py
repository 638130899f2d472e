"""Two-way CalDAV sync: an adapter beside the store, never inside the domain.

flowday stays local-first: the data folder is the truth while offline, and ``flowday
sync`` meets other devices (and other calendar apps) through a CalDAV collection, using
the maintained ``caldav`` library. Each module documents its part:

- :mod:`.state`: what the last sync saw (``sync.json``, written through the store, in the
  same transaction as the changes a sync makes)
- :mod:`.items`: blocks ↔ events, through the calendars package's one mapping each way
  (export's :func:`~flowday.calendars.exporting.block_event`, import's expansion); the
  fields compared per item; the event's original text kept for what flowday does not read
- :mod:`.merge`: the three-way merge per field against the last-synced copy
- :mod:`.server`: the CalDAV collection (sync-token, ETags, If-Match / If-None-Match)
- :mod:`.credentials`: the password from ``password_cmd`` or the keyring
- :mod:`.engine`: one sync: pull, merge, ask before big deletions, apply, push
"""
