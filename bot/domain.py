"""The programme's vocabulary: roles, regions, stages, fields and other closed choices.

Codes are short ASCII strings, safe for the database and for callback data;
labels are marked with N_ and translated at render time.
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_


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


class Role(StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    SUBSCRIBER = "subscriber"


class AgeBand(StrEnum):
    UNDER_14 = "under14"
    TEEN = "14-17"
    ADULT = "18+"


class Region(StrEnum):
    BISHKEK = "bishkek"
    OSH_CITY = "osh_city"
    CHUI = "chui"
    OSH = "osh"
    JALAL_ABAD = "jalal_abad"
    ISSYK_KUL = "issyk_kul"
    NARYN = "naryn"
    TALAS = "talas"
    BATKEN = "batken"
    ABROAD = "abroad"


class Stage(StrEnum):
    """The pipeline stages, in order: a later stage is further along."""

    SCHOOL = "school"
    UNIVERSITY = "university"
    EARLY_CAREER = "early_career"
    EXPERIENCED = "experienced"
    RETURNING = "returning"
    LEADER = "leader"


class Field(StrEnum):
    IT = "it"
    DATA_AI = "data_ai"
    ENGINEERING = "engineering"
    MATH = "math"
    PHYSICS = "physics"
    SPACE = "space"
    CHEMISTRY = "chemistry"
    BIOMED = "biomed"
    EARTH_ENV = "earth_env"


class Goal(StrEnum):
    """What a mentee wants; mentors offer the same codes as topics."""

    CHOOSE_PATH = "choose_path"
    UNIVERSITY_ADMISSION = "admission"
    STUDY_SKILLS = "study"
    FIRST_JOB = "first_job"
    CAREER_GROWTH = "growth"
    CONFIDENCE = "confidence"
    PROJECTS = "projects"
    SCHOLARSHIPS_ABROAD = "abroad"
    LEADERSHIP = "leadership"
    BALANCE = "balance"


class Availability(StrEnum):
    WEEKDAY_MORNINGS = "wd_morning"
    WEEKDAY_EVENINGS = "wd_evening"
    WEEKENDS = "weekend"


class MeetingFormat(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    BOTH = "both"


ROLE_LABELS = {
    Role.MENTEE: N_("I want a mentor"),
    Role.MENTOR: N_("I want to mentor"),
    Role.SUBSCRIBER: N_("Only stories"),
}

AGE_LABELS = {
    AgeBand.UNDER_14: N_("Under 14"),
    AgeBand.TEEN: N_("14–17"),
    AgeBand.ADULT: N_("18 or older"),
}

REGION_LABELS = {
    Region.BISHKEK: N_("Bishkek"),
    Region.OSH_CITY: N_("Osh city"),
    Region.CHUI: N_("Chüy region"),
    Region.OSH: N_("Osh region"),
    Region.JALAL_ABAD: N_("Jalal-Abad region"),
    Region.ISSYK_KUL: N_("Issyk-Kul region"),
    Region.NARYN: N_("Naryn region"),
    Region.TALAS: N_("Talas region"),
    Region.BATKEN: N_("Batken region"),
    Region.ABROAD: N_("Abroad"),
}

STAGE_LABELS = {
    Stage.SCHOOL: N_("At school"),
    Stage.UNIVERSITY: N_("At university"),
    Stage.EARLY_CAREER: N_("Early career"),
    Stage.EXPERIENCED: N_("Experienced professional"),
    Stage.RETURNING: N_("Returning or switching"),
    Stage.LEADER: N_("Leader"),
}

FIELD_LABELS = {
    Field.IT: N_("Software and IT"),
    Field.DATA_AI: N_("Data and AI"),
    Field.ENGINEERING: N_("Engineering"),
    Field.MATH: N_("Mathematics"),
    Field.PHYSICS: N_("Physics"),
    Field.SPACE: N_("Space and aerospace"),
    Field.CHEMISTRY: N_("Chemistry"),
    Field.BIOMED: N_("Biology and medicine"),
    Field.EARTH_ENV: N_("Earth and environment"),
}

GOAL_LABELS = {
    Goal.CHOOSE_PATH: N_("Choosing my path in STEM"),
    Goal.UNIVERSITY_ADMISSION: N_("Getting into university"),
    Goal.STUDY_SKILLS: N_("Studying better"),
    Goal.FIRST_JOB: N_("Finding a first job or internship"),
    Goal.CAREER_GROWTH: N_("Growing in my career"),
    Goal.CONFIDENCE: N_("Confidence"),
    Goal.PROJECTS: N_("Projects and competitions"),
    Goal.SCHOLARSHIPS_ABROAD: N_("Scholarships and study abroad"),
    Goal.LEADERSHIP: N_("Leadership"),
    Goal.BALANCE: N_("Balancing work, study and family"),
}

AVAILABILITY_LABELS = {
    Availability.WEEKDAY_MORNINGS: N_("Weekday mornings"),
    Availability.WEEKDAY_EVENINGS: N_("Weekday evenings"),
    Availability.WEEKENDS: N_("Weekends"),
}

FORMAT_LABELS = {
    MeetingFormat.ONLINE: N_("Online"),
    MeetingFormat.IN_PERSON: N_("In person"),
    MeetingFormat.BOTH: N_("Both"),
}

LANGUAGE_NAMES = {
    # The language as a skill ("speaks Kyrgyz"), translated into the reader's language.
    Language.KY: N_("Kyrgyz"),
    Language.RU: N_("Russian"),
    Language.EN: N_("English"),
}
