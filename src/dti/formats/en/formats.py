"""Formats for the English pages: the same as the Vietnamese ones.

The platform's figures and dates are Vietnamese data (decimal comma, dd/mm/yyyy, times in
Vietnam); choosing English translates the words, never the way numbers and dates are written.
Most pages format them explicitly (dti.core.templatetags.vn); these formats cover what Django
localises by itself (forms, the admin).
"""

DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "H:i d/m/Y"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
FIRST_DAY_OF_WEEK = 0  # as for Vietnamese (Django's default)

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 0  # as for Vietnamese: Django groups no digits (the platform's own filters do)
