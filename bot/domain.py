"""The programme's vocabulary: roles, regions, stages, fields and other closed choices.

Codes are short ASCII strings, safe for the database and for callback data;
labels are marked with N_ and translated at render time.
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_
from bot.labelled import Labelled


class Language(StrEnum):
    KY = "ky"
    RU = "ru"
    EN = "en"


LANGUAGE_BUTTONS: dict[Language, str] = {
    # Shown in their own language, never translated.
    Language.KY: "Кыргызча",
    Language.RU: "Русский",
    Language.EN: "English",
}


class Role(Labelled):
    MENTEE = "mentee", N_("I want a mentor")
    MENTOR = "mentor", N_("I want to mentor")
    SUBSCRIBER = "subscriber", N_("Only stories")


class AgeBand(Labelled):
    UNDER_14 = "under14", N_("Under 14")
    TEEN = "14-17", N_("14–17")
    ADULT = "18+", N_("18 or older")


class Region(Labelled):
    BISHKEK = "bishkek", N_("Bishkek")
    OSH_CITY = "osh_city", N_("Osh city")
    CHUI = "chui", N_("Chüy region")
    OSH = "osh", N_("Osh region")
    JALAL_ABAD = "jalal_abad", N_("Jalal-Abad region")
    ISSYK_KUL = "issyk_kul", N_("Issyk-Kul region")
    NARYN = "naryn", N_("Naryn region")
    TALAS = "talas", N_("Talas region")
    BATKEN = "batken", N_("Batken region")
    ABROAD = "abroad", N_("Abroad")


class Stage(Labelled):
    """The pipeline stages, in order: a later stage is further along."""

    SCHOOL = "school", N_("At school")
    UNIVERSITY = "university", N_("At university")
    EARLY_CAREER = "early_career", N_("Early career")
    EXPERIENCED = "experienced", N_("Experienced professional")
    RETURNING = "returning", N_("Returning or switching")
    LEADER = "leader", N_("Leader")


class Field(Labelled):
    IT = "it", N_("Software and IT")
    DATA_AI = "data_ai", N_("Data and AI")
    ENGINEERING = "engineering", N_("Engineering")
    MATH = "math", N_("Mathematics")
    PHYSICS = "physics", N_("Physics")
    SPACE = "space", N_("Space and aerospace")
    CHEMISTRY = "chemistry", N_("Chemistry")
    BIOMED = "biomed", N_("Biology and medicine")
    EARTH_ENV = "earth_env", N_("Earth and environment")


class Goal(Labelled):
    """What a mentee wants; mentors offer the same codes as topics."""

    CHOOSE_PATH = "choose_path", N_("Choosing my path in STEM")
    UNIVERSITY_ADMISSION = "admission", N_("Getting into university")
    STUDY_SKILLS = "study", N_("Studying better")
    FIRST_JOB = "first_job", N_("Finding a first job or internship")
    CAREER_GROWTH = "growth", N_("Growing in my career")
    CONFIDENCE = "confidence", N_("Confidence")
    PROJECTS = "projects", N_("Projects and competitions")
    SCHOLARSHIPS_ABROAD = "abroad", N_("Scholarships and study abroad")
    LEADERSHIP = "leadership", N_("Leadership")
    BALANCE = "balance", N_("Balancing work, study and family")


class Availability(Labelled):
    WEEKDAY_MORNINGS = "wd_morning", N_("Weekday mornings")
    WEEKDAY_EVENINGS = "wd_evening", N_("Weekday evenings")
    WEEKENDS = "weekend", N_("Weekends")


class MeetingFormat(Labelled):
    ONLINE = "online", N_("Online")
    IN_PERSON = "in_person", N_("In person")
    BOTH = "both", N_("Both")


# The member → label tables the cards, buttons and reports read.
ROLE_LABELS = Role.labels()
AGE_LABELS = AgeBand.labels()
REGION_LABELS = Region.labels()
STAGE_LABELS = Stage.labels()
FIELD_LABELS = Field.labels()
GOAL_LABELS = Goal.labels()
AVAILABILITY_LABELS = Availability.labels()
FORMAT_LABELS = MeetingFormat.labels()

LANGUAGE_NAMES = {
    # The language as a skill ("speaks Kyrgyz"), translated into the reader's language.
    Language.KY: N_("Kyrgyz"),
    Language.RU: N_("Russian"),
    Language.EN: N_("English"),
}
