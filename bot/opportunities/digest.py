"""The weekly digest's use cases: everyone's due digest (one row per user and week, claimed before
it is sent), and her settings (on or off, day, hour)."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.callbacks import cb
from bot.db import Database
from bot.i18n import N_
from bot.notices import Button, Html, Line, Msg, Notice, When
from bot.opportunities import digest_store, store
from bot.opportunities.digest_store import Setting
from bot.opportunities.fit_index import FitIndex
from bot.opportunities.rules import DIGEST_HOUR, DIGEST_WEEKDAY, next_slot, week_of

AREA = "opp"
SHOWN = 5  # at most this many in one digest; /opportunities has the rest
BATCH = 2000
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))
HOURS = (8, 10, 12, 15, 18, 20)
OFF = Button(Msg(N_("Turn off the weekly digest")), cb(AREA, "dg", "off"), emoji="🔕")


def digest_notice(user_id: int, found: list, total: int, items: dict | None = None) -> Notice:
    """`items` keeps each opportunity's lines by language: thousands of digests share them."""
    items = {} if items is None else items
    lines: list[Line] = [Msg(N_("📬 New opportunities for you this week:")), ""]
    for opportunity, language in found[:SHOWN]:
        key = (opportunity.id, language)
        if key not in items:
            items[key] = [
                Html(f"• <b>{html.escape(opportunity.titles[language])}</b>"),
                Msg(N_("Deadline: {when}"), when=When(opportunity.deadline_at, "date")),
                opportunity.link,
            ]
        lines += items[key]
    if total > len(found):
        lines += ["", Msg(N_("…and {n} more."), n=total - len(found))]
    lines += ["", Msg(N_("/opportunities shows them one by one, with Save."))]
    return Notice(user_id, tuple(lines), ((OFF,),))


async def due_digests(db: Database, now: datetime, limit: int = BATCH) -> list[Notice]:
    """Digests whose slot has come: each week claimed once; an empty week is recorded, not sent."""
    notices = []
    async with db.transaction() as tx:
        await digest_store.enrol(tx, now)
        await digest_store.schedule(
            tx,
            [
                (user_id, next_slot(weekday, hour, ZoneInfo(zone), now))
                for user_id, weekday, hour, zone in await digest_store.unscheduled(tx)
            ],
        )
        due = await digest_store.due(tx, now, limit)
        if not due:
            return []
        index = FitIndex(await store.open_ones(tx, now), now)
        dismissed = await digest_store.dismissed(tx, [d.user_id for d in due])
        weeks = [(d.user_id, week_of(d.slot, ZoneInfo(d.zone))) for d in due]
        sent = await digest_store.already_sent(tx, weeks)
        claims, moves, shown = [], [], []
        items: dict = {}
        for d, (_, week) in zip(due, weeks, strict=True):
            following = next_slot(d.weekday, d.hour, ZoneInfo(d.zone), max(now, d.slot))
            if (d.user_id, week) in sent:
                moves.append((d.user_id, following))
                continue
            count = 0
            if d.reachable:
                # The same as rules.digest(rules.fitting(...)), one AND per attribute (see fit_index).
                new = index.mask(d.seeker) & index.added_after(d.since) & index.without(dismissed[d.user_id])
                count = new.bit_count()
            claims.append((d.user_id, week, count, following))
            if count:
                found = index.pick(d.seeker, new, SHOWN)
                shown += [(opportunity.id, d.user_id) for opportunity, _ in found]
                notices.append(digest_notice(d.user_id, found, count, items))
        await digest_store.claim_all(tx, claims, now)
        await digest_store.move_slots(tx, moves)
        await digest_store.mark_shown_all(tx, shown, now)
    return notices


async def current(db: Database, user_id: int) -> Setting:
    async with db.reading() as s:
        found = await digest_store.setting(s, user_id)
    return found or Setting(True, DIGEST_WEEKDAY, DIGEST_HOUR)


async def change(db: Database, user_id: int, what: str, value: int | None, now: datetime) -> Setting:
    """'on', 'off', 'day' (0..6) or 'hour' (one of HOURS); a forged value leaves it as it was."""
    async with db.transaction() as tx:
        setting = await digest_store.setting(tx, user_id) or Setting(True, DIGEST_WEEKDAY, DIGEST_HOUR)
        if what in ("on", "off"):
            setting = Setting(what == "on", setting.weekday, setting.hour)
        elif what == "day" and value is not None and 0 <= value <= 6:
            setting = Setting(setting.enabled, value, setting.hour)
        elif what == "hour" and value in HOURS:
            setting = Setting(setting.enabled, setting.weekday, value)
        else:
            return setting
        zone = ZoneInfo(await digest_store.zone(tx, user_id))
        await digest_store.save_setting(tx, user_id, setting, next_slot(setting.weekday, setting.hour, zone, now), now)
    return setting


def settings_notice(user_id: int, setting: Setting) -> Notice:
    if setting.enabled:
        state = Msg(
            N_("Your weekly digest of new opportunities comes on {day} at {hour}:00 (your time)."),
            day=Msg(WEEKDAYS[setting.weekday]),
            hour=f"{setting.hour:02d}",
        )
        toggle = OFF
    else:
        state = Msg(N_("Your weekly digest of new opportunities is off."))
        toggle = Button(Msg(N_("Turn on the weekly digest")), cb(AREA, "dg", "on"), emoji="🔔")
    days = tuple(Button(Msg(WEEKDAYS[i]), cb(AREA, "dg", "day", i)) for i in range(7))
    hours = tuple(Button(f"{h:02d}:00", cb(AREA, "dg", "hour", h)) for h in HOURS)
    return Notice(user_id, (state,), ((toggle,), days[:4], days[4:], hours))
