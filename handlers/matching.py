"""`/mentors`: her best matches one card at a time with the reasons in words, narrowing by
field; the Request button goes on to handlers.new_request.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.domain import FIELD_LABELS, AgeBand, Field
from bot.i18n import Translator
from bot.matching.rules import NOT_IN_FIELD, Rejection, rank_mentors, why_no_match
from bot.services import Services
from bot.telegram import ui
from bot.telegram.cards import label
from bot.telegram.ui import deliver, reader_of, stale_button
from handlers.mentor_card import mentor_card
from handlers.new_request import ask_for_note, send_request

ALL = "all"  # callback value for "no field filter"


@dataclass(frozen=True, slots=True)
class View:
    text: str
    markup: InlineKeyboardMarkup | None = None
    found: bool = False  # a mentor's card (not an explanation)


def fields_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton("🔎 " + t("Narrow by field"), callback_data=cb("find", "fields"))


def empty_text(t: Translator, counts: dict[str, int], field: str | None, waiting: bool) -> str:
    """Why nobody is shown, and what she can do about it."""
    if field and counts.get(NOT_IN_FIELD):
        return t("No free mentor who suits you works in {field} yet. Try all fields: others fit you too.").format(
            field=label(t, FIELD_LABELS, field)
        )
    counted = {code: n for code, n in counts.items() if code not in (Rejection.NOT_APPROVED, NOT_IN_FIELD)}
    if not any(counted.values()):
        return t(
            "There are no mentors in the programme yet. New mentors join all the time: "
            "please try /mentors again in a few days. 🌱"
        )
    # The commonest obstacle; on a tie, the one she can do something about comes first.
    order = [
        Rejection.NO_SHARED_LANGUAGE,
        Rejection.NOT_CLEARED_FOR_MINORS,
        Rejection.EXCLUDED,
        Rejection.FULL,
        Rejection.PAUSED,
    ]
    top = max(order, key=lambda code: (counted.get(code, 0), -order.index(code)))
    if top == Rejection.NO_SHARED_LANGUAGE:
        return t(
            "No mentor speaks your languages yet. If you speak another language too, "
            "add it in /profile (Languages) and try again."
        )
    if top == Rejection.NOT_CLEARED_FOR_MINORS:
        return t(
            "For girls under 18, only mentors checked by the programme team can be matched, "
            "and none of them is free right now. Please try again in a few days. 🌱"
        )
    if top == Rejection.EXCLUDED and waiting:
        return t(
            "You have already asked every mentor who suits you. They have up to a week to answer, "
            "and I'll tell you as soon as they do."
        )
    if top == Rejection.EXCLUDED:
        return t(
            "You have already been in touch with every mentor who suits you. "
            "New mentors join all the time: please try again in a few days."
        )
    return t(
        "All the mentors who suit you are busy right now. Places free up often: "
        "please try /mentors again in a few days."
    )


async def browse(
    services: Services, t: Translator, zone: ZoneInfo, user_id: int, index: int, field: str | None
) -> View:
    """Her `index`-th best mentor (in `field`, if given), or why there is none."""
    profile = await services.profiles.get(user_id)
    if profile is None or profile.completed_at is None:
        return View(t("Let's make your profile first: send /start."))
    if profile.role == "mentor":
        return View(
            t("/mentors is for mentees looking for a mentor. Mentees find you here; /mentorship shows your mentees.")
        )
    if profile.answers.age_band == AgeBand.UNDER_14:
        return View(t("Mentoring starts at 14. Until then, /story brings you stories of amazing women in STEM. 🌱"))
    mentee = await services.candidates.mentee_profile(user_id)
    if mentee is None:
        return View(
            t(
                "Your profile is set up for stories only, so mentors are not matched to you. "
                "Write to the programme team if you would like a mentor."
            )
        )
    if await services.mentorships.current(user_id):
        return View(t("You already have a mentor: /mentorship shows her."))
    mentors = await services.candidates.mentor_profiles()
    excluded = await services.candidates.exclusions(user_id)
    now = services.clock.now()
    matches = rank_mentors(mentee, mentors, excluded, now, limit=index + 1, field=Field(field) if field else None)
    all_fields = [InlineKeyboardButton("🌐 " + t("All fields"), callback_data=cb("find", "next", 0, ALL))]
    if not matches:
        counts = why_no_match(mentee, mentors, excluded, field=Field(field) if field else None)
        waiting = bool(await services.requests.pending_requests(mentee_id=user_id))
        return View(
            empty_text(t, counts, field, waiting),
            InlineKeyboardMarkup([all_fields]) if field else None,
        )
    if index >= len(matches):
        return View(
            t("That's everyone who suits you right now."),
            InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            "⏮ " + t("From the start"),
                            callback_data=cb("find", "next", 0, field or ALL),
                        )
                    ],
                    [fields_button(t)],
                ]
            ),
        )
    match = matches[index]
    mentor = next(m for m in mentors if m.user_id == match.mentor_id)
    mentor_profile = await services.profiles.get(match.mentor_id)
    if profile.answers.age_band != AgeBand.ADULT:
        mentor_profile = mentor_profile.for_minors()  # an edit since vetting waits for an admin (F4)
    text = mentor_card(t, mentor_profile, mentor, match, now, zone, field)
    return View(
        text,
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("📨 " + t("Request"), callback_data=cb("find", "req", match.mentor_id)),
                    InlineKeyboardButton(t("Next") + " ➡️", callback_data=cb("find", "next", index + 1, field or ALL)),
                ],
                [fields_button(t)],
            ]
        ),
        found=True,
    )


async def show_mentors(update: Update, context: Context, field: str | None = None) -> None:
    """Her best mentor as a new message (a story card's "mentor in this field" passes `field`)."""
    if field is not None and field not in Field._value2member_map_:
        field = None
    view = await browse(context.services, context.t, context.zone, update.effective_user.id, 0, field)
    await update.effective_message.reply_text(view.text, reply_markup=view.markup)


async def mentors_command(update: Update, context: Context) -> None:
    await show_mentors(update, context, None)


async def offer_next(bot: Bot, services: Services, mentee_id: int, told: str) -> None:
    """After a decline or an expiry: what happened (`told`, in her language), then her next."""
    t, zone = await reader_of(services, mentee_id)
    if await services.mentorships.current(mentee_id):
        await deliver(bot, services, mentee_id, told)
        return
    view = await browse(services, t, zone, mentee_id, 0, None)
    if view.found:
        await deliver(bot, services, mentee_id, told + "\n\n" + t("Here is your next best match:"))
    else:
        await deliver(bot, services, mentee_id, told)
    await deliver(bot, services, mentee_id, view.text, view.markup)


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    data = parse_callback(query.data)
    t = context.t
    if data is None:
        await stale_button(update, context)
        return
    if data.action == "next" and data.int_arg(0) is not None:
        field = data.arg(1)
        field = field if field in Field._value2member_map_ else None
        await query.answer()
        view = await browse(context.services, t, context.zone, query.from_user.id, data.int_arg(0), field)
        await ui.edit(query, view.text, view.markup)
    elif data.action == "fields":
        await query.answer()
        buttons = [
            InlineKeyboardButton(t(text), callback_data=cb("find", "next", 0, code))
            for code, text in FIELD_LABELS.items()
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([InlineKeyboardButton("🌐 " + t("All fields"), callback_data=cb("find", "next", 0, ALL))])
        await ui.edit(query, t("Which field?"), reply_markup=InlineKeyboardMarkup(rows))
    elif data.action == "req" and data.int_arg(0) is not None:
        await ask_for_note(update, context, data.int_arg(0))
    elif data.action == "send" and data.int_arg(0) is not None:
        await context.services.inputs.take(query.from_user.id, "req_note", str(data.int_arg(0)))
        await query.answer()
        await query.edit_message_reply_markup(None)
        await send_request(query.message, context, query.from_user.id, data.int_arg(0), None)
    else:
        await stale_button(update, context)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("mentors", mentors_command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("find")))
