"""Rendering a profile as a card, in the reader's language, with every user value escaped."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.callbacks import cb
from bot.context import Context
from bot.domain import (
    AGE_LABELS,
    AVAILABILITY_LABELS,
    FIELD_LABELS,
    FORMAT_LABELS,
    GOAL_LABELS,
    LANGUAGE_NAMES,
    REGION_LABELS,
    ROLE_LABELS,
    STAGE_LABELS,
)
from bot.i18n import N_, Translator
from bot.onboarding.rules import EDITABLE, Step, applies
from bot.onboarding.store import Profile

# The short names of profile fields, on Edit buttons.
EDIT_LABELS = {
    Step.NAME: N_("Name"),
    Step.REGION: N_("Region"),
    Step.STAGE: N_("Stage"),
    Step.FIELDS: N_("Fields"),
    Step.GOALS: N_("Goals"),
    Step.LANGUAGES: N_("Languages"),
    Step.AVAILABILITY: N_("Free time"),
    Step.FORMAT: N_("Meeting format"),
    Step.JOB_TITLE: N_("Job title"),
    Step.ORGANISATION: N_("Organisation"),
    Step.BIO: N_("About me"),
    Step.CAPACITY: N_("Max. mentees at a time"),
    Step.LINK: N_("Meeting link"),
}


def label(t: Translator, labels: dict, code: str | None) -> str:
    """The translated label of a code; an unknown code (from an older version) shows as is."""
    if code is None:
        return "—"
    text = labels.get(code)  # the StrEnum keys are found by their codes
    return html.escape(code) if text is None else t(text)


def labels(t: Translator, table: dict, codes) -> str:
    ordered = [key for key in table if key in codes]
    return ", ".join(t(table[key]) for key in ordered) or "—"


def profile_lines(t: Translator, profile: Profile) -> list[tuple[str, str]]:
    """(caption, value) pairs of what she answered, in onboarding order; unanswered ones left out."""
    a = profile.answers
    mentor = a.role == "mentor"
    rows = [
        (t("Role"), label(t, ROLE_LABELS, a.role)),
        (t("Age"), label(t, AGE_LABELS, a.age_band)),
        (t("Name"), a.display_name and html.escape(a.display_name)),
        (t("Region"), label(t, REGION_LABELS, a.region)),
        (t("Stage"), a.stage and label(t, STAGE_LABELS, a.stage)),
        (t("Fields"), a.fields and labels(t, FIELD_LABELS, a.fields)),
        (t("Can help with") if mentor else t("Goals"), a.goals and labels(t, GOAL_LABELS, a.goals)),
        (t("Languages"), a.languages and labels(t, LANGUAGE_NAMES, a.languages)),
        (t("Free time"), a.availability and labels(t, AVAILABILITY_LABELS, a.availability)),
        (t("Meeting format"), a.meeting_format and label(t, FORMAT_LABELS, a.meeting_format)),
        (t("Job title"), a.job_title and html.escape(a.job_title)),
        (t("Organisation"), a.organisation and html.escape(a.organisation)),
        (t("Max. mentees at a time"), a.capacity and str(a.capacity)),
        (t("Meeting link"), mentor and (html.escape(profile.meeting_link) if profile.meeting_link else "—")),
        (t("About me"), a.bio and html.escape(a.bio)),
    ]
    return [(caption, value) for caption, value in rows if value]


# The labels of each choice step's codes, for its buttons.
CHOICE_LABELS: dict[Step, dict] = {
    Step.ROLE: ROLE_LABELS,
    Step.AGE: AGE_LABELS,
    Step.REGION: REGION_LABELS,
    Step.STAGE: STAGE_LABELS,
    Step.FIELDS: FIELD_LABELS,
    Step.GOALS: GOAL_LABELS,
    Step.LANGUAGES: LANGUAGE_NAMES,
    Step.AVAILABILITY: AVAILABILITY_LABELS,
    Step.FORMAT: FORMAT_LABELS,
    Step.CAPACITY: {str(n): str(n) for n in range(1, 6)},
}


def profile_card(t: Translator, profile: Profile, heading: str) -> str:
    lines = [f"<b>{heading}</b>", ""]
    lines += [f"<b>{caption}:</b> {value}" for caption, value in profile_lines(t, profile)]
    return "\n".join(lines)


def profile_keyboard(t: Translator, profile: Profile) -> InlineKeyboardMarkup:
    """Edit buttons for every field she answered, and the mentor's pause switch."""
    edits = [
        InlineKeyboardButton("✏️ " + t(EDIT_LABELS[step]), callback_data=cb("prof", "edit", step.value))
        for step in EDITABLE
        if applies(step, profile.answers)
    ]
    rows = [edits[i : i + 2] for i in range(0, len(edits), 2)]
    if profile.role == "mentor" and profile.mentor_status == "approved":
        if profile.mentor_paused:
            rows.append([InlineKeyboardButton("▶️ " + t("Take mentees again"), callback_data=cb("prof", "resume"))])
        else:
            rows.append([InlineKeyboardButton("⏸ " + t("Pause taking mentees"), callback_data=cb("prof", "pause"))])
    return InlineKeyboardMarkup(rows)


def mentor_status_line(t: Translator, profile: Profile) -> str:
    if profile.role != "mentor":
        return ""
    status = {
        "pending": t("Waiting for the programme team's approval"),
        "approved": t("Approved ✓") + (" · " + t("paused") if profile.mentor_paused else ""),
        "rejected": t("Not approved"),
    }.get(profile.mentor_status or "", "")
    caption = t("Mentor status")
    return f"\n<b>{caption}:</b> {status}" if status else ""


async def show_profile_card(message: Message, context: Context, profile: Profile, *, edit: bool = False) -> None:
    t = context.t
    text = profile_card(t, profile, t("Your profile")) + mentor_status_line(t, profile)
    markup = profile_keyboard(t, profile)
    if edit:
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except BadRequest as error:
            if "not modified" in str(error):
                return
    await message.reply_text(text, reply_markup=markup)
