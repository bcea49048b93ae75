"""Values as a reader writes them, in German or English: dates, durations, numbers, natural order,
and the message catalogue of every string the pages print.

Framework-free: the pages call these with a language ("de" or "en"), so that every string of a
page is in one language.
"""

from .formats import (
    LANGS,
    format_date,
    format_date_range,
    format_duration,
    format_number,
    integer,
    language,
    month_name,
    ordinal,
)
from .messages import MESSAGES, message, messages, plural
from .natural import natural_key

__all__ = ["LANGS", "MESSAGES", "format_date", "format_date_range", "format_duration", "format_number", "integer", "language",
           "message", "messages", "month_name", "natural_key", "ordinal", "plural"]
