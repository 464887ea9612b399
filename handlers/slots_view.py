"""How `/slots` shows a mentor's free time: the labels, the message and its buttons."""

from __future__ import annotations

import html
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import cb
from bot.context import Context
from bot.i18n import N_, Translator
from bot.sessions.rules import BUFFER_MINUTES, MIN_NOTICE
from bot.sessions.slot_times import SlotError, parse_time_of_day
from bot.sessions.store.slots import SlotRow

SLOT_ERRORS = {
    SlotError.IN_PAST: N_("This time has already passed. Please pick a later one."),
    SlotError.TOO_SHORT: N_("A free time must be at least one hour long."),
    SlotError.TOO_LONG: N_("A free time can be at most 8 hours long."),
    SlotError.OVERLAPS: N_("This overlaps free time you have already published. /slots shows it all."),
}


# Whole phrases, so that each language can decline the day as its grammar needs.
EVERY_WEEKDAY = (
    N_("Every Monday"),
    N_("Every Tuesday"),
    N_("Every Wednesday"),
    N_("Every Thursday"),
    N_("Every Friday"),
    N_("Every Saturday"),
    N_("Every Sunday"),
)


def hours_label(t: Translator, minutes: int) -> str:
    if minutes % 60 == 0:
        return t.ngettext("{n} hour", "{n} hours", minutes // 60).format(n=minutes // 60)
    return t("{n} min").format(n=minutes)


def weekday_names(t: Translator, width: str = "wide") -> dict[int, str]:
    return dict(get_day_names(width, context="stand-alone", locale=t.locale))


def wall_clock(t: Translator, at: time, zone: ZoneInfo) -> str:
    return t.time(datetime.combine(date(2025, 1, 6), at, tzinfo=zone), zone)


def slot_label(t: Translator, slot: SlotRow, zone: ZoneInfo) -> str:
    if slot.kind == "weekly":
        own = ZoneInfo(slot.zone)
        start = parse_time_of_day(slot.start_local or "00:00")
        end = (datetime.combine(date(2025, 1, 6), start) + timedelta(minutes=slot.minutes)).time()
        every = t(EVERY_WEEKDAY[slot.weekday or 0])
        label = f"{every}, {wall_clock(t, start, own)}–{wall_clock(t, end, own)}"
        return label if slot.zone == zone.key else f"{label} ({slot.zone})"
    assert slot.starts_at is not None
    end = slot.starts_at + timedelta(minutes=slot.minutes)
    return f"{t.datetime(slot.starts_at, zone)}–{t.time(end, zone)}"


async def slots_view(context: Context, user_id: int) -> tuple[str, InlineKeyboardMarkup]:
    services, t, zone = context.services, context.t, context.zone
    slots = await services.slots.of_mentor(user_id, services.clock.now())
    auto = await services.slots.auto_confirm(user_id)
    lines = ["🗓 <b>" + t("Your free time") + "</b>"]
    if slots:
        lines += ["• " + html.escape(slot_label(t, slot, zone)) for slot in slots]
    else:
        lines.append(t("You haven't published any free time yet."))
    lines += [
        "",
        t(
            "Mentees book one-hour sessions inside these times, at least {hours} hours ahead, "
            "with {buffer} minutes kept free between sessions. Times are in {zone}."
        ).format(
            hours=int(MIN_NOTICE.total_seconds() // 3600),
            buffer=BUFFER_MINUTES,
            zone=html.escape(zone.key),
        ),
        t("Auto-confirm bookings: on") if auto else t("Auto-confirm bookings: off"),
    ]
    rows = [
        [InlineKeyboardButton("🗑 " + slot_label(t, slot, zone), callback_data=cb("slot", "del", slot.id))]
        for slot in slots
    ]
    rows.append(
        [
            InlineKeyboardButton("➕ " + t("Weekly time"), callback_data=cb("slot", "week")),
            InlineKeyboardButton("➕ " + t("One-off time"), callback_data=cb("slot", "once", 0)),
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(
                t("Turn auto-confirm off") if auto else t("Turn auto-confirm on"),
                callback_data=cb("slot", "auto", 0 if auto else 1),
            )
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def back_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton("↩️ " + t("Back"), callback_data=cb("slot", "list"))
