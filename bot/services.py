"""The long-lived things handlers use, opened at start-up and closed at shutdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram import Bot

from bot.admin.store import AdminRepository
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.db.inputs import InputRepository
from bot.db.users import UserRepository
from bot.delivery.store import OutboxRepository
from bot.limits.rules import Limits
from bot.matching.store import CandidateRepository, CohortRunRepository
from bot.mentorship.store.expiry import RequestExpiryRepository
from bot.mentorship.store.mentorships import MentorshipRepository
from bot.mentorship.store.relay import RelayRepository
from bot.mentorship.store.reports import ReportRepository
from bot.mentorship.store.requests import RequestRepository
from bot.onboarding.store import ProfileRepository
from bot.sessions.store.bookings import BookingRepository
from bot.sessions.store.feedback import FeedbackRepository
from bot.sessions.store.reminders import ReminderRepository
from bot.sessions.store.rhythm import RhythmRepository
from bot.sessions.store.sessions import SessionRepository
from bot.sessions.store.slots import SlotRepository
from bot.stories.cards import STORIES_DIR, load_cards
from bot.stories.models import StoryCard
from bot.stories.picture import PictureCache
from bot.stories.store import StoryRepository
from bot.story_library import flow as story_library
from bot.telegram.send import Sender

if TYPE_CHECKING:
    from bot.delivery.engine import DeliveryEngine


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    users: UserRepository
    profiles: ProfileRepository
    inputs: InputRepository
    mentorships: MentorshipRepository
    relay: RelayRepository
    candidates: CandidateRepository
    requests: RequestRepository
    request_expiry: RequestExpiryRepository
    reports: ReportRepository
    cohort_runs: CohortRunRepository
    stories: StoryRepository
    admin: AdminRepository
    outbox: OutboxRepository
    sessions: SessionRepository
    slots: SlotRepository
    bookings: BookingRepository
    reminders: ReminderRepository
    feedback: FeedbackRepository
    rhythms: RhythmRepository
    cards: dict[str, StoryCard]
    pictures: PictureCache
    sender: Sender
    # Set once the bot is up (it needs the bot to send).
    delivery: DeliveryEngine | None = field(default=None)
    limits: Limits = field(default_factory=Limits)  # per-user brakes (bot.limits)

    @classmethod
    async def open(cls, settings: Settings, clock: Clock, db: Database, bot: Bot) -> Services:
        if not db.is_open:
            await db.open()
        # Invalid cards stop start-up here, with every problem listed: `python -m bot stories check`.
        cards = {card.slug: card for card in load_cards(STORIES_DIR)}
        # Then the cards admins published through the bot, after the shipped ones.
        cards |= {card.slug: card for card in await story_library.load(db, cards)}
        stories = StoryRepository(db)
        await stories.import_cards(
            [(c.slug, c.field.value, c.stage.value, c.region) for c in cards.values()], clock.now()
        )
        users = UserRepository(db, settings.default_timezone.key)
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            users=users,
            sender=Sender(bot, users, clock, settings.default_timezone),
            profiles=ProfileRepository(db, settings.account_hash_key),
            inputs=InputRepository(db),
            mentorships=MentorshipRepository(db),
            relay=RelayRepository(db),
            candidates=CandidateRepository(db),
            requests=RequestRepository(db),
            request_expiry=RequestExpiryRepository(db),
            reports=ReportRepository(db, settings.account_hash_key),
            cohort_runs=CohortRunRepository(db),
            stories=stories,
            admin=AdminRepository(db),
            outbox=OutboxRepository(db),
            sessions=SessionRepository(db),
            slots=SlotRepository(db),
            bookings=BookingRepository(db),
            reminders=ReminderRepository(db),
            feedback=FeedbackRepository(db),
            rhythms=RhythmRepository(db),
            cards=cards,
            pictures=PictureCache(settings.database_path.parent / "pictures"),
        )

    async def close(self) -> None:
        if self.delivery is not None:
            await self.delivery.stop()
        self.pictures.close()
        await self.db.close()
