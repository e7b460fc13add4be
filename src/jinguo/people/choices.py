"""Coded values of the people registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Hukou(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary / vocational")
    COLLEGE = "college", _("College")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class Marital(models.TextChoices):
    SINGLE = "single", _("Never married")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Relation(models.TextChoices):
    """Relation to the head of the household (与户主关系)."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
    ORPHAN = "orphan", _("Orphan")
    UNSUPPORTED_CHILD = "unsupported_child", _("De-facto unsupported child")
    DISABLED = "disabled", _("Person with a disability")
    LOW_INCOME = "low_income", _("Minimum living allowance (dibao)")
    EXTREMELY_POOR = "extremely_poor", _("Extremely poor (tekun)")
    REGISTERED_POOR = "registered_poor", _("Registered poor household member")
    SINGLE_MOTHER = "single_mother", _("Single mother")
    EMPTY_NEST_ELDERLY = "empty_nest_elderly", _("Empty-nest elderly")
    LEFT_BEHIND_WOMAN = "left_behind_woman", _("Left-behind woman")
    CENTENARIAN = "centenarian", _("Centenarian")


# Categories about children or health: sensitive personal information under PIPL art. 28.
SENSITIVE_CATEGORIES = frozenset(
    {Category.LEFT_BEHIND_CHILD, Category.ORPHAN, Category.UNSUPPORTED_CHILD, Category.DISABLED}
)


class DisabilityType(models.TextChoices):
    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    PHYSICAL = "physical", _("Physical")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class ParentsSituation(models.TextChoices):
    BOTH_AWAY = "both_away", _("Both parents work away")
    ONE_AWAY_OTHER_UNABLE = "one_away_other_unable", _("One parent away, the other unable to care")


class Guardianship(models.TextChoices):
    GRANDPARENTS = "grandparents", _("Grandparents")
    RELATIVES = "relatives", _("Other relatives or friends")
    ONE_PARENT = "one_parent", _("The parent at home")
    SELF = "self", _("No guardian (lives alone)")
    INSTITUTION = "institution", _("School or institution")


class Schooling(models.TextChoices):
    NOT_YET = "not_yet", _("Not yet at school")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    DROPPED_OUT = "dropped_out", _("Dropped out")


class ConsentPurpose(models.TextChoices):
    REGISTRY = "registry", _("Registration and services of the federation")
    CHILD_CARE = "child_care", _("Care for left-behind and vulnerable children")
    HEALTH = "health", _("Health screening and aid")
    PUBLICITY = "publicity", _("Publicity of awards and stories")


class ConsentGiver(models.TextChoices):
    SELF = "self", _("The person herself")
    GUARDIAN = "guardian", _("Guardian")
