"""`/experiments` (admins): list, define from TOML text, stop, and report an experiment
(`/experiments new` alone is the guided way: handlers.experiments_new)."""

from __future__ import annotations

import html
import tomllib
from datetime import UTC, date, datetime, time

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import Context
from bot.experiments import flow
from bot.experiments.report import report_text, started_text
from bot.telegram.ui import refuse_non_admin


def parse_definition(text: str) -> dict:
    """The TOML an admin sends after `/experiments new`; raises ValueError with what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(str(error)) from None
    try:
        joined = data.get("joined_after")
        if isinstance(joined, str):
            joined = date.fromisoformat(joined)
        return {
            "name": str(data["name"]),
            "arms": tuple(str(a) for a in data["arms"]),
            "outcome": str(data["outcome"]),
            "planned_size": int(data["planned_size"]),
            "setting": str(data.get("setting", "none")),
            "role": data.get("role"),
            "joined_after": datetime.combine(joined, time(), UTC) if joined else None,
        }
    except KeyError as error:
        raise ValueError(f"missing {error.args[0]}") from None
    except TypeError as error:  # e.g. arms = 5: a value of the wrong kind
        raise ValueError(str(error)) from None


USAGE = (
    "/experiments — list\n/experiments report ID\n/experiments stop ID\n/experiments new — guided, with buttons\n"
    "or /experiments new, then on the next lines:\n"
    'name = "stories weekly"\nsetting = "story_frequency"\narms = ["twice_weekly", "weekly"]\n'
    'outcome = "story_opened_30d"\nplanned_size = 200\nrole = "mentee"\njoined_after = 2026-01-01'
)


async def experiments(update: Update, context: Context) -> None:
    if await refuse_non_admin(update, context):
        return
    t, services, message = context.t, context.services, update.effective_message
    now = services.clock.now()
    words = (message.text or "").split(maxsplit=2)
    action = words[1] if len(words) > 1 else "list"
    if action == "new":
        try:
            definition = parse_definition(words[2] if len(words) > 2 else "")
            experiment_id, enrolled = await flow.start(services.db, now=now, **definition)
        except ValueError as error:
            await message.reply_text(
                t("That definition does not work: {error}").format(error=html.escape(str(error)))
                + "\n\n<pre>"
                + html.escape(USAGE)
                + "</pre>"
            )
            return
        await services.admin.record(message.from_user.id, "experiment_start", now, experiment_id, enrolled=enrolled)
        await message.reply_text(started_text(t, experiment_id, enrolled))
        return
    if action in ("stop", "report"):
        experiment_id = int(words[2]) if len(words) > 2 and words[2].strip().isdigit() else None
        experiment = await flow.get(services.db, experiment_id) if experiment_id else None
        if experiment is None:
            await message.reply_text(t("No such experiment.") + "\n\n<pre>" + html.escape(USAGE) + "</pre>")
            return
        if action == "stop":
            await flow.stop(services.db, experiment.id, now)
            await services.admin.record(message.from_user.id, "experiment_stop", now, experiment.id)
            await message.reply_text(t("Experiment #{id} is stopped: nobody new joins it.").format(id=experiment.id))
        result = await flow.result(services.db, experiment.id, now)
        await message.reply_text(report_text(t, experiment.name, result))
        return
    listing = await flow.experiments(services.db)
    if not listing:
        await message.reply_text(t("No experiments yet.") + "\n\n<pre>" + html.escape(USAGE) + "</pre>")
        return
    lines = [t("<b>Experiments</b>"), ""]
    for e in listing:
        state = t("stopped") if e.stopped_at else t("running")
        lines.append(
            f"#{e.id} {html.escape(e.name)} · {e.setting} · {html.escape(' / '.join(e.arms))} · {e.outcome}"
            f" · {e.planned_size} · {state}"
        )
    await message.reply_text("\n".join(lines))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("experiments", experiments))
