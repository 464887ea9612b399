"""`/slots`: a mentor publishes her free time (weekly windows, or one-off slots picked on a
calendar), lists and deletes it, and turns auto-confirm on or off.
"""

from __future__ import annotations

import html
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler

from bot.callbacks import cb, parse_callback
from bot.context import Context
from bot.i18n import N_, Translator
from bot.sessions.rules import BUFFER_MINUTES, MIN_NOTICE, ONE_OFF_DAYS
from bot.sessions.slot_times import parse_time_of_day
from bot.sessions.store.slots import SlotRefused, SlotRow
from bot.telegram import conversations, ui

# A weekly window or a one-off slot waits for its start time, typed (about: w<weekday> or d<date>).
CONVERSATION = "slots"
START_TIME = "start_time"

# --- how /slots shows her free time ---------------------------------------------------------------

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


# --- publishing and deleting ------------------------------------------------------------------------

WINDOW_LENGTHS = (60, 90, 120, 180, 240)  # minutes offered for a new window or slot
DAYS_PER_PAGE = 15


async def is_mentor(context: Context, user_id: int) -> bool:
    profile = await context.services.profiles.get(user_id)
    return profile is not None and profile.role == "mentor" and profile.completed_at is not None


async def show_slots(update: Update, context: Context) -> None:
    user_id = update.effective_user.id
    if not await is_mentor(context, user_id):
        await update.effective_message.reply_text(
            context.t("Free time is for mentors. Mentees book a session with /book.")
        )
        return
    text, markup = await slots_view(context, user_id)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def refresh(update: Update, context: Context) -> None:
    text, markup = await slots_view(context, update.callback_query.from_user.id)
    await ui.edit(update.callback_query, text, markup)


async def on_button(update: Update, context: Context) -> object:
    query = update.callback_query
    data = parse_callback(query.data)
    action = ACTIONS.get(data.action) if data else None
    if action is None or not await is_mentor(context, query.from_user.id):
        await ui.stale_button(update, context)
        return
    return await action(update, context, data.args)


async def on_delete(update: Update, context: Context, args: tuple[str, ...]) -> None:
    query, t = update.callback_query, context.t
    slot_id = int(args[0]) if args and args[0].isdigit() else 0
    deleted = await context.services.slots.delete_slot(slot_id, query.from_user.id)
    await query.answer(
        t("Deleted ✓ Sessions already booked in it stay booked.")
        if deleted
        else t("This free time was already deleted.")
    )
    await refresh(update, context)


async def on_auto(update: Update, context: Context, args: tuple[str, ...]) -> None:
    on = args[:1] == ("1",)
    await context.services.slots.set_auto_confirm(update.callback_query.from_user.id, on)
    await update.callback_query.answer(
        context.t("Bookings are now confirmed at once.") if on else context.t("You'll confirm each booking yourself.")
    )
    await refresh(update, context)


async def on_week(update: Update, context: Context, args: tuple[str, ...]) -> None:
    t = context.t
    names = weekday_names(t)
    buttons = [InlineKeyboardButton(names[day], callback_data=cb("slot", "wd", day)) for day in range(7)]
    await update.callback_query.answer()
    await ui.edit(
        update.callback_query,
        t("Which day of the week are you free?"),
        reply_markup=InlineKeyboardMarkup([buttons[0:3], buttons[3:6], buttons[6:7], [back_button(t)]]),
    )


async def on_list(update: Update, context: Context, args: tuple[str, ...]) -> None:
    await update.callback_query.answer()
    await refresh(update, context)


async def on_weekday(update: Update, context: Context, args: tuple[str, ...]) -> object:
    query, t = update.callback_query, context.t
    if not args or args[0] not in "0123456" or len(args[0]) != 1:
        await ui.stale_button(update, context)
        return
    await query.answer()
    ask = t("{every}: what time does it start? Type it like 18:30 ({zone} time).")
    every = t(EVERY_WEEKDAY[int(args[0])])
    text = ask.format(every=every, zone=html.escape(context.zone.key))
    return await ui.ask(update, context, CONVERSATION, START_TIME, f"w{args[0]}", text)


async def on_once(update: Update, context: Context, args: tuple[str, ...]) -> None:
    """The date picker: the next ONE_OFF_DAYS days in her zone, a page at a time."""
    query, t, zone = update.callback_query, context.t, context.zone
    page = int(args[0]) if args and args[0].isdigit() else 0
    today = context.services.clock.now().astimezone(zone).date()
    days = [today + timedelta(days=n) for n in range(ONE_OFF_DAYS)]
    pages = (len(days) + DAYS_PER_PAGE - 1) // DAYS_PER_PAGE
    page = min(page, pages - 1)
    shown = days[page * DAYS_PER_PAGE : (page + 1) * DAYS_PER_PAGE]
    buttons = [
        InlineKeyboardButton(
            t.date(datetime.combine(day, time(12), tzinfo=zone), zone),
            callback_data=cb("slot", "date", day.strftime("%Y%m%d")),
        )
        for day in shown
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    paging = []
    if page > 0:
        paging.append(InlineKeyboardButton("◀️", callback_data=cb("slot", "once", page - 1)))
    if page < pages - 1:
        paging.append(InlineKeyboardButton("▶️", callback_data=cb("slot", "once", page + 1)))
    if paging:
        rows.append(paging)
    rows.append([back_button(t)])
    await query.answer()
    await ui.edit(
        query,
        t("Which day? (the next {n} days)").format(n=ONE_OFF_DAYS),
        reply_markup=InlineKeyboardMarkup(rows),
    )


def parse_day(code: str) -> date | None:
    try:
        return datetime.strptime(code, "%Y%m%d").date() if len(code) == 8 else None
    except ValueError:
        return None


async def on_date(update: Update, context: Context, args: tuple[str, ...]) -> object:
    query, t, zone = update.callback_query, context.t, context.zone
    day = parse_day(args[0]) if args else None
    today = context.services.clock.now().astimezone(zone).date()
    if day is None or not today <= day < today + timedelta(days=ONE_OFF_DAYS):
        await query.answer(t("Please pick a day from the calendar."), show_alert=True)
        return
    await query.answer()
    ask = t("What time does it start on {date}? Type it like 18:30 ({zone} time).")
    date = t.date(datetime.combine(day, time(12), tzinfo=zone), zone)
    return await ui.ask(
        update, context, CONVERSATION, START_TIME, f"d{args[0]}", ask.format(date=date, zone=html.escape(zone.key))
    )


TIME_LIKE = N_("Please type the time like 18:30, or /cancel to stop.")


@ui.text_step(CONVERSATION, START_TIME, limit=16, not_text=TIME_LIKE, too_long=TIME_LIKE)
async def read_time(update: Update, context: Context, ref: str, text: str) -> object:
    t, message = context.t, update.effective_message
    try:
        at = parse_time_of_day(text)
    except ValueError:
        state = await conversations.enter(update, context, CONVERSATION, START_TIME, ref)
        await message.reply_text(t(TIME_LIKE))
        return state
    hhmm = at.strftime("%H%M")
    action = "lenw" if ref.startswith("w") else "leno"
    buttons = [
        InlineKeyboardButton(hours_label(t, minutes), callback_data=cb("slot", action, ref[1:], hhmm, minutes))
        for minutes in WINDOW_LENGTHS
    ]
    await message.reply_text(
        t("How long are you free from {time}?").format(time=wall_clock(t, at, context.zone)),
        reply_markup=InlineKeyboardMarkup([buttons[0:3], buttons[3:], [back_button(t)]]),
    )
    return conversations.END


def parse_length(args: tuple[str, ...]) -> tuple[str, time, int] | None:
    if len(args) != 3 or not args[2].isdigit() or int(args[2]) not in WINDOW_LENGTHS:
        return None
    try:
        at = parse_time_of_day(f"{args[1][:2]}:{args[1][2:]}")
    except ValueError:
        return None
    return args[0], at, int(args[2])


async def on_length_weekly(update: Update, context: Context, args: tuple[str, ...]) -> None:
    parsed = parse_length(args)
    if parsed is None or parsed[0] not in ("0", "1", "2", "3", "4", "5", "6"):
        await ui.stale_button(update, context)
        return
    weekday, at, minutes = parsed
    services, query = context.services, update.callback_query
    try:
        await services.slots.add_weekly(
            query.from_user.id, int(weekday), at, minutes, context.zone.key, services.clock.now()
        )
    except SlotRefused as refused:
        await query.answer(context.t(refused.code.label), show_alert=True)
        return
    await query.answer(context.t("Saved ✓"))
    await refresh(update, context)


async def on_length_once(update: Update, context: Context, args: tuple[str, ...]) -> None:
    parsed = parse_length(args)
    day = parse_day(parsed[0]) if parsed else None
    if parsed is None or day is None:
        await ui.stale_button(update, context)
        return
    _, at, minutes = parsed
    services, query, zone = context.services, update.callback_query, context.zone
    # fold=0: in the hour the clocks go back, the first of the two 01:30s.
    start = datetime.combine(day, at, tzinfo=zone)
    try:
        await services.slots.add_one_off(query.from_user.id, start, minutes, zone.key, services.clock.now())
    except SlotRefused as refused:
        await query.answer(context.t(refused.code.label), show_alert=True)
        return
    await query.answer(context.t("Saved ✓"))
    await refresh(update, context)


ACTIONS = {
    "list": on_list,
    "del": on_delete,
    "auto": on_auto,
    "week": on_week,
    "wd": on_weekday,
    "once": on_once,
    "date": on_date,
    "lenw": on_length_weekly,
    "leno": on_length_once,
}


def register(app: Application) -> None:
    app.add_handler(CommandHandler("slots", show_slots))
    ui.add_area(
        app, "slot", on_button, conversation=CONVERSATION, starts=["wd", "date"], states={START_TIME: (read_time,)}
    )
