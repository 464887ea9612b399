"""The long-lived things handlers use, opened at start-up and closed at shutdown."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.db.inputs import InputRepository
from bot.db.profiles import ProfileRepository
from bot.db.users import UserRepository


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    users: UserRepository
    profiles: ProfileRepository
    inputs: InputRepository

    @classmethod
    async def open(cls, settings: Settings, clock: Clock, db: Database) -> Services:
        if not db.is_open:
            await db.open()
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            users=UserRepository(db, settings.default_timezone.key),
            profiles=ProfileRepository(db),
            inputs=InputRepository(db),
        )

    async def close(self) -> None:
        await self.db.close()
