"""Every collection ``[sync]`` names, in one call: each subscription (one way; first, so
that the crossings it records go up with the plan), the plan's (two-way), then the
reflections' (two-way, personal; unless ``reflections = false``).
The command and the planner's sync key both come here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flowday.application.planner import Planner
from flowday.config import SyncSettings
from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define, field
from flowday.sync.engine import Confirm, Progress, SyncReport, run_sync
from flowday.sync.reflections import PREFIX as REFLECTION_PREFIX
from flowday.sync.scopes import REFLECTIONS
from flowday.sync.server import Collection, SyncError
from flowday.sync.subscriptions import SubscriptionReport, drop_unsubscribed, pull_subscription

BUSY = "another flowday sync of this data folder is running: nothing was done; run it again later"

# (calendar's display name, create it when missing) → the collection (tests pass their own)
Connect = Callable[[str, bool], Collection]


@define(frozen=False)
class Reports(Record):
    plan: SyncReport
    reflections: SyncReport | None = None  # None: reflections stay on this device
    subscriptions: list[SubscriptionReport] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The plan's keys as they always were, and the others beside them."""
        return {
            **self.plan.to_json(),
            "reflections": self.reflections.to_json() if self.reflections else None,
            "subscriptions": [s.to_json() for s in self.subscriptions],
        }


def sync_everything(
    planner: Planner,
    settings: SyncSettings,
    connect: Connect,
    *,
    dry_run: bool = False,
    yes: bool = False,
    confirm: Confirm | None = None,
    resolutions: Iterable[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> Reports:
    """One sync of every collection (see the module doc). A reflection's conflict is
    named ``reflection-<date>``: its resolution goes to the reflections' collection."""
    wanted = list(resolutions)
    personal = [(key, side) for key, side in wanted if key.startswith(REFLECTION_PREFIX)]
    if personal and not settings.reflections:
        raise InputError("reflections are not synced here (sync.reflections = false)")
    with planner.store.sync_turn() as ours:
        if not ours:
            raise SyncError(BUSY)
        options: dict[str, Any] = {"dry_run": dry_run, "yes": yes, "confirm": confirm}
        # first: its question (many blocks go) comes before anything has changed
        subscriptions = drop_unsubscribed(planner, settings.subscribe, **options)
        # then the subscriptions, so that what they record on a day (crossings) goes up
        # with the plan in this same sync
        for name in settings.subscribe:
            subscriptions.append(pull_subscription(planner, connect(name, False), name, **options))
        plan = run_sync(
            planner, connect(settings.calendar, True), **options, progress=progress,
            resolutions=[pair for pair in wanted if pair not in personal],
        )  # fmt: skip
        reports = Reports(plan, subscriptions=subscriptions)
        if settings.reflections:
            reports.reflections = run_sync(
                planner, connect(settings.reflections_calendar, True), **options,
                progress=progress, resolutions=personal, scope=REFLECTIONS,
            )  # fmt: skip
        return reports
