"""The composition root: one function assembles the bot from settings."""

from __future__ import annotations

import html
import logging
from functools import partial

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes, Defaults

from bot.budget import Limits
from bot.clock import Clock
from bot.config import Settings
from bot.context import BotData, Context
from bot.db import Database
from bot.i18n import normalize_language, translator
from bot.jobs import run_at_start, schedule_jobs
from bot.persistence import SqlitePersistence
from bot.services import Services
from bot.telegram import broadcast_view, loader, menu, ui
from bot.telegram.budget import BudgetRateLimiter
from bot.telegram_http import AiohttpRequest
from bot.update_order import PerUserOrder, ScreenedGetUpdates
from handlers import (
    admin,
    admin_broadcast,
    admin_circles,
    admin_export,
    admin_reports,
    admin_stats,
    booking,
    circle_join,
    circle_sessions,
    circles,
    cohort,
    conduct,
    delivery,
    experiments,
    experiments_new,
    feedback,
    flood,
    matching,
    mentorship,
    nominations,
    onboarding,
    opportunities_admin,
    opportunity_new,
    opportunity_recommend,
    outcomes,
    private_only,
    profile,
    reminders,
    requests,
    rhythm,
    sessions,
    slots,
    start,
    stories,
    story_library,
    stray,
    timezone,
    vetting,
)
from handlers import opportunities as opportunities_handlers

log = logging.getLogger(__name__)

# The token is checked by our config; PTB needs some value even when the
# emulator (which accepts any token) is the server.
SANDBOX_TOKEN = "1:sandbox"


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    update_processor: BaseUpdateProcessor | None = None,
    send_limits: Limits | None = None,
) -> Application:
    """Assemble the bot: defaults, rate limiter, handlers, lifecycle hooks. `send_limits`: Telegram's
    limits as the send budget keeps them (tests lift the per-chat pacing they do not test)."""
    clock = clock or Clock()
    # One Database object: the persistence reads it before post_init, the services after.
    db = Database(settings.database_path)

    async def on_startup(app: Application) -> None:
        services = await Services.open(settings, clock, db, app.bot)
        app.bot_data.services = services
        services.delivery = delivery.make_engine(app, partial(broadcast_view.report_progress, app))
        await services.delivery.start()
        await run_at_start(app)
        await menu.publish_command_menus(app.bot)
        log.info("bot @%s is up", app.bot.username)

    async def on_stop(app: Application) -> None:
        # Stop the paced sender while the bot's HTTP client is still open: a send in flight
        # then ends cleanly instead of failing against a closed client.
        services = app.bot_data.services
        if services is not None and services.delivery is not None:
            await services.delivery.stop()

    async def on_shutdown(app: Application) -> None:
        services = app.bot_data.services
        if services is not None:
            app.bot_data.services = None
            await services.close()
        await db.close()  # also when start-up failed before the services opened

    processor = update_processor or PerUserOrder()
    # F7: a flood is cut before PTB parses it, where the processor's own cap would come too late.
    polling = (
        ScreenedGetUpdates(processor) if isinstance(processor, PerUserOrder) else AiohttpRequest(connection_pool_size=1)
    )
    app = (
        Application.builder()
        .token(settings.bot_token or SANDBOX_TOKEN)
        .base_url(settings.api_base_url)
        .base_file_url(settings.file_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.default_timezone))
        .request(AiohttpRequest())
        .get_updates_request(polling)
        .rate_limiter(BudgetRateLimiter(send_limits, bulk_rate=settings.broadcast_rate))
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .persistence(SqlitePersistence(db))
        .post_init(on_startup)
        .post_stop(on_stop)
        .post_shutdown(on_shutdown)
        .concurrent_updates(processor)
        .build()
    )
    if isinstance(app.update_processor, PerUserOrder):
        app.update_processor.on_overflow = partial(flood.slow_down, app)  # F7

    # Who she is, before any journey sees the update.
    loader.register_loader(app)
    private_only.register(app)  # F11
    # Journeys, in group 0: the first matching handler wins. Onboarding first, so
    # that her typed answers reach it before anything else looks at text.
    onboarding.register(app)
    start.register(app)
    profile.register(app)
    vetting.register(app)
    conduct.register(app)
    # Finding a mentor, the mentor's answer, the mentorship itself, and admins' cohort matching.
    # (The timed jobs, request expiry among them, are one ordered list in bot.jobs.)
    matching.register(app)
    requests.register(app)
    mentorship.register(app)
    cohort.register(app)
    # Sessions: free slots and time zones, booking, the sessions themselves and the feedback after
    # them, reminders, rhythm.
    slots.register(app)
    timezone.register(app)
    booking.register(app)
    sessions.register(app)
    feedback.register(app)
    reminders.register(app)
    rhythm.register(app)
    stories.register(app)
    nominations.register(app)
    admin.register(app)
    admin_broadcast.register(app)
    admin_stats.register(app)
    admin_export.register(app)
    admin_reports.register(app)
    story_library.register(app)  # before the journeys (group -1): an admin's card file
    opportunities_handlers.register(app)
    opportunity_recommend.register(app)
    opportunity_new.register(app)  # /opportunity_new (admins)
    opportunities_admin.register(app)  # /opportunities_admin (admins)
    outcomes.register(app)  # outcome surveys and /outcomes
    experiments_new.register(app)  # /experiments new, guided (before /experiments)
    experiments.register(app)  # /experiments (admins)
    circles.register(app)  # /circle: her circles
    circle_sessions.register(app)  # circle sessions: schedule, RSVP, attendance, ratings
    admin_circles.register(app)  # /circles for admins
    circle_join.register(app)  # asking to join an open circle, and opening one
    # Last: whatever no journey took.
    loader.register_fallbacks(app, stray.stray_message)
    app.add_error_handler(on_error)
    schedule_jobs(app)
    return app


async def on_error(update: object, context: Context) -> None:
    """Log the failure and tell her, in her language, that it was us and not her."""
    if isinstance(context.error, BadRequest) and "no text in the message to edit" in context.error.message:
        # A button's data pressed on a message of another kind (a forged press on a photo).
        if isinstance(update, Update) and update.callback_query is not None:
            try:
                await ui.stale_button(update, context)
            except TelegramError:
                pass  # the handler had answered the button before its edit failed
        return
    if isinstance(context.error, BadRequest) and "not modified" in context.error.message:
        # A double tap re-drew what she already sees: nothing went wrong.
        if isinstance(update, Update) and update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError:
                pass
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return  # a job or a background task: nobody to tell
    language = None
    user = update.effective_user
    if user is not None:
        services = context.bot_data.services
        record = await services.users.get(user.id) if services is not None else None
        language = (record.language if record else None) or normalize_language(user.language_code)
    t = translator(language)
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            pass  # the handler may have answered it before it failed; the apology must still go
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            html.escape(t("Sorry, something went wrong on my side. Please try again in a moment.")),
        )
    except Exception:  # the failure may be Telegram itself; nothing more to do
        log.warning("could not tell the user about the error", exc_info=True)
