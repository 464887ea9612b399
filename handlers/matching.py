"""`/mentors`: her best matches one card at a time with the reasons in words, narrowing by
field, and a request with an optional intro note (the mentor gets it with her card).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.lists import format_list
from babel.numbers import format_percent
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.db.mentorships import Request
from bot.db.profiles import Profile
from bot.domain import (
    AGE_LABELS,
    AVAILABILITY_LABELS,
    FIELD_LABELS,
    GOAL_LABELS,
    LANGUAGE_NAMES,
    REGION_LABELS,
    STAGE_LABELS,
    AgeBand,
    Availability,
    Field,
)
from bot.i18n import N_, Translator
from bot.matching import (
    NOT_IN_FIELD,
    Match,
    MentorProfile,
    Reason,
    Rejection,
    eligible,
    rank_mentors,
    why_no_match,
)
from bot.mentorship import MAX_PENDING_REQUESTS, NOTE_MAX, Refusal, Refused, clean_message
from bot.onboarding import InvalidAnswer
from bot.services import Services
from handlers import inputs
from handlers.cards import label, labels
from handlers.mentorship import deliver, name_of, reader_of, refusal_text, stale

ALL = "all"  # callback value for "no field filter"

# Availability inside a sentence ("free on weekday evenings and weekends").
TIMES_IN_SENTENCE = {
    Availability.WEEKDAY_MORNINGS: N_("weekday mornings"),
    Availability.WEEKDAY_EVENINGS: N_("weekday evenings"),
    Availability.WEEKENDS: N_("weekends"),
}


def words(t: Translator, items: list[str]) -> str:
    """'Kyrgyz and Russian' / 'кыргызский и русский', in her language's own list style."""
    return format_list(items, locale=t.locale) if items else "—"


def reason_text(t: Translator, reason: Reason) -> str:
    """One reason of a match in plain words; an unknown code (a newer core) shows nothing."""
    values = list(reason.values)
    each = {
        "shared_language": lambda: t("you both speak {languages}").format(
            languages=words(t, [label(t, LANGUAGE_NAMES, v) for v in values])
        ),
        "field": lambda: words(t, [label(t, FIELD_LABELS, v) for v in values]),
        "topic": lambda: t("can help with: {topics}").format(
            topics=words(t, [label(t, GOAL_LABELS, v) for v in values])
        ),
        "ahead": lambda: t("further along: {stage}").format(
            stage=label(t, STAGE_LABELS, values[0])
        ),
        "same_stage": lambda: t("at your stage too: {stage}").format(
            stage=label(t, STAGE_LABELS, values[0])
        ),
        "availability": lambda: t("free on {times}").format(
            times=words(t, [label(t, TIMES_IN_SENTENCE, v) for v in values])
        ),
        "region": lambda: t("also in {region}").format(region=label(t, REGION_LABELS, values[0])),
        "has_time": lambda: t("has time for a new mentee"),
    }.get(reason.code)
    return each() if each else ""


def last_active(t: Translator, moment: datetime | None, now: datetime, zone: ZoneInfo) -> str:
    if moment is None:
        return t("not yet")
    days = (now.astimezone(zone).date() - moment.astimezone(zone).date()).days
    if days <= 0:
        return t("today")
    return t.ngettext("{n} day ago", "{n} days ago", days).format(n=days)


def percent(t: Translator, score: int) -> str:
    return format_percent(score / 100, locale=t.locale)


def mentor_card(
    t: Translator,
    profile: Profile,
    mentor: MentorProfile,
    match: Match,
    now: datetime,
    zone: ZoneInfo,
    field: str | None,
) -> str:
    a = profile.answers
    lines = [f"<b>{html.escape(a.display_name or '—')}</b>"]
    work = " · ".join(html.escape(v) for v in (a.job_title, a.organisation) if v)
    if work:
        lines.append(work)
    lines.append("🔬 " + labels(t, FIELD_LABELS, a.fields))
    lines.append("🗣 " + labels(t, LANGUAGE_NAMES, a.languages))
    lines.append(
        "📍 "
        + label(t, REGION_LABELS, a.region)
        + " · 🕒 "
        + labels(t, AVAILABILITY_LABELS, a.availability)
    )
    if a.bio:
        lines += ["", f"<i>{html.escape(a.bio)}</i>"]
    lines += [
        "",
        "<b>" + t("Compatibility: {score}").format(score=percent(t, match.score)) + "</b>",
    ]
    lines += ["• " + text for text in map(lambda r: reason_text(t, r), match.reasons) if text]
    lines += [
        "",
        t("Last active: {when}").format(when=last_active(t, mentor.last_active_at, now, zone)),
    ]
    if field:
        lines.append(t("Showing mentors in: {field}").format(field=label(t, FIELD_LABELS, field)))
    return "\n".join(lines)


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
        return t(
            "No free mentor who suits you works in {field} yet. Try all fields: others fit you too."
        ).format(field=label(t, FIELD_LABELS, field))
    counted = {
        code: n for code, n in counts.items() if code not in (Rejection.NOT_APPROVED, NOT_IN_FIELD)
    }
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
            t(
                "/mentors is for mentees looking for a mentor. Mentees find you here; "
                "/mentorship shows your mentees."
            )
        )
    if profile.answers.age_band == AgeBand.UNDER_14:
        return View(
            t(
                "Mentoring starts at 14. Until then, /story brings you stories "
                "of amazing women in STEM. 🌱"
            )
        )
    mentee = await services.mentorships.mentee_profile(user_id)
    if mentee is None:
        return View(
            t(
                "Your profile is set up for stories only, so mentors are not matched to you. "
                "Write to the programme team if you would like a mentor."
            )
        )
    if await services.mentorships.current(user_id):
        return View(t("You already have a mentor: /mentorship shows her."))
    mentors = await services.mentorships.mentor_profiles()
    excluded = await services.mentorships.exclusions(user_id)
    now = services.clock.now()
    matches = rank_mentors(
        mentee, mentors, excluded, now, limit=index + 1, field=Field(field) if field else None
    )
    all_fields = [
        InlineKeyboardButton("🌐 " + t("All fields"), callback_data=cb("find", "next", 0, ALL))
    ]
    if not matches:
        counts = why_no_match(mentee, mentors, excluded, field=Field(field) if field else None)
        waiting = bool(await services.mentorships.pending_requests(mentee_id=user_id))
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
    text = mentor_card(t, mentor_profile, mentor, match, now, zone, field)
    return View(
        text,
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "📨 " + t("Request"), callback_data=cb("find", "req", match.mentor_id)
                    ),
                    InlineKeyboardButton(
                        t("Next") + " ➡️", callback_data=cb("find", "next", index + 1, field or ALL)
                    ),
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
    view = await browse(
        context.services, context.t, context.zone, update.effective_user.id, 0, field
    )
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
        await stale(update, context)
        return
    if data.action == "next" and data.int_arg(0) is not None:
        field = data.arg(1)
        field = field if field in Field._value2member_map_ else None
        await query.answer()
        view = await browse(
            context.services, t, context.zone, query.from_user.id, data.int_arg(0), field
        )
        try:
            await query.edit_message_text(view.text, reply_markup=view.markup)
        except BadRequest as error:  # the same card again (a double tap): nothing to change
            if "not modified" not in str(error):
                raise
    elif data.action == "fields":
        await query.answer()
        buttons = [
            InlineKeyboardButton(t(text), callback_data=cb("find", "next", 0, code))
            for code, text in FIELD_LABELS.items()
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append(
            [
                InlineKeyboardButton(
                    "🌐 " + t("All fields"), callback_data=cb("find", "next", 0, ALL)
                )
            ]
        )
        await query.edit_message_text(t("Which field?"), reply_markup=InlineKeyboardMarkup(rows))
    elif data.action == "req" and data.int_arg(0) is not None:
        await ask_for_note(update, context, data.int_arg(0))
    elif data.action == "send" and data.int_arg(0) is not None:
        await context.services.inputs.take(query.from_user.id, "req_note", str(data.int_arg(0)))
        await query.answer()
        await query.edit_message_reply_markup(None)
        await send_request(query.message, context, query.from_user.id, data.int_arg(0), None)
    else:
        await stale(update, context)


async def precheck(services: Services, mentee_id: int, mentor_id: int) -> Refusal | None:
    """The limits, checked before asking for a note (the request itself checks them again)."""
    repo = services.mentorships
    mentee = await repo.mentee_profile(mentee_id)
    if mentee is None:
        return Refusal.NOT_A_MENTEE
    if await repo.current(mentee_id):
        return Refusal.HAS_MENTOR
    pending = await repo.pending_requests(mentee_id=mentee_id)
    if any(r.mentor_id == mentor_id for r in pending):
        return Refusal.ALREADY_ASKED
    if len(pending) >= MAX_PENDING_REQUESTS:
        return Refusal.TOO_MANY_PENDING
    mentor = await repo.mentor_profile(mentor_id)
    if mentor is None or eligible(mentee, mentor, await repo.exclusions(mentee_id)):
        return Refusal.MENTOR_UNAVAILABLE
    return None


async def ask_for_note(update: Update, context: Context, mentor_id: int) -> None:
    query, services, t = update.callback_query, context.services, context.t
    refusal = await precheck(services, query.from_user.id, mentor_id)
    if refusal is not None:
        await query.answer(refusal_text(t, refusal), show_alert=True)
        return
    await query.answer()
    await inputs.expect(context, query.from_user.id, "req_note", mentor_id)
    await query.message.reply_text(
        t(
            "Would you like to add a short note for {name}? Say who you are and what you hope for. "
            "Type it now (up to {n} characters), or send your request without one."
        ).format(name=await name_of(services, mentor_id), n=NOTE_MAX),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "📨 " + t("Send without a note"),
                        callback_data=cb("find", "send", mentor_id),
                    )
                ]
            ]
        ),
    )


@inputs.reader("req_note")
async def read_note(update: Update, context: Context, ref: str, text: str | None) -> None:
    t, user_id, message = context.t, update.effective_user.id, update.effective_message
    try:
        if text is None:
            raise InvalidAnswer("not_text")
        note = clean_message(text, NOTE_MAX)
    except InvalidAnswer as error:
        await inputs.expect(context, user_id, "req_note", ref)
        await message.reply_text(
            t("That's a bit long: please keep your note under {n} characters.").format(n=NOTE_MAX)
            if error.code == "too_long"
            else t("Please type your note as text, or tap Send without a note.")
        )
        return
    await send_request(message, context, user_id, int(ref), note)


async def send_request(
    message: Message, context: Context, mentee_id: int, mentor_id: int, note: str | None
) -> None:
    services, t = context.services, context.t
    try:
        request = await services.mentorships.create_request(
            mentee_id, mentor_id, services.clock.now(), note=note
        )
    except Refused as refused:
        await message.reply_text(refusal_text(t, refused.code))
        return
    await message.reply_text(
        t(
            "Sent! 📨 I'll tell you as soon as {name} answers. If she can't answer within a week, "
            "I'll suggest someone else."
        ).format(name=await name_of(services, mentor_id))
    )
    await send_request_card(context.bot, services, request)


HEADINGS = {
    "new": N_("📨 A new mentee would like you as her mentor"),
    "cohort": N_("📨 The programme team suggests a mentee for you"),
    "reminder": N_("⏰ Reminder: she is still waiting for your answer"),
    "answer": N_("💬 She answered your question"),
}


def request_keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "✅ " + t("Accept"), callback_data=cb("req", "acc", request_id)
                ),
                InlineKeyboardButton(
                    "✖️ " + t("Decline"), callback_data=cb("req", "dec", request_id)
                ),
            ],
            [
                InlineKeyboardButton(
                    "❓ " + t("Ask a question"), callback_data=cb("req", "ask", request_id)
                )
            ],
        ]
    )


async def request_card(
    services: Services, t: Translator, zone: ZoneInfo, request: Request, heading: str
) -> str:
    """The mentee as her mentor sees her request: every value of hers escaped."""
    profile = await services.profiles.get(request.mentee_id)
    a = profile.answers
    age = t("under 18") if profile.is_minor else label(t, AGE_LABELS, a.age_band)
    rows = [
        (t("Region"), label(t, REGION_LABELS, a.region)),
        (t("Stage"), label(t, STAGE_LABELS, a.stage)),
        (t("Fields"), labels(t, FIELD_LABELS, a.fields)),
        (t("Goals"), labels(t, GOAL_LABELS, a.goals)),
        (t("Languages"), labels(t, LANGUAGE_NAMES, a.languages)),
    ]
    lines = [
        f"<b>{t(HEADINGS[heading])}</b>",
        "",
        f"<b>{html.escape(a.display_name or '—')}</b> · {age}",
    ]
    lines += [f"<b>{caption}:</b> {value}" for caption, value in rows]
    if request.note:
        lines += ["", "<b>" + t("Her note") + ":</b>", f"<i>{html.escape(request.note)}</i>"]
    if request.question and request.answer:
        question, answer = html.escape(request.question), html.escape(request.answer)
        lines += ["", "<b>" + t("Your question") + f":</b> {question}"]
        lines += ["<b>" + t("Her answer") + f":</b> <i>{answer}</i>"]
    if request.score is not None:
        lines += ["", t("Compatibility: {score}").format(score=percent(t, request.score))]
    if profile.is_minor:
        lines.append(
            "🛡 "
            + t(
                "She is under 18: if you accept, you talk through this bot only, "
                "and contacts are never shared."
            )
        )
    lines.append(t("Please answer by {date}.").format(date=t.date(request.expires_at, zone)))
    return "\n".join(lines)


async def send_request_card(
    bot: Bot, services: Services, request: Request, heading: str | None = None
) -> None:
    t, zone = await reader_of(services, request.mentor_id)
    heading = heading or ("cohort" if request.source == "cohort" else "new")
    text = await request_card(services, t, zone, request, heading)
    await deliver(bot, services, request.mentor_id, text, request_keyboard(t, request.id))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("mentors", mentors_command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("find")))
