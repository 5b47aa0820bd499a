"""All-day events in datasette-ics calendar feeds.

datasette-ics turns a query returning `event_name` and `event_dtstart` into an iCalendar feed, but
writes every start as a timestamp (DTSTART:20250326T000000Z), so a day-precision fact would show as
an event at midnight UTC. Here an `event_dtstart` that is a plain date (YYYY-MM-DD) becomes an
all-day event (DTSTART;VALUE=DATE:20250326), as RFC 5545 writes dates without a time.
"""
import re

import datasette_ics
from datasette_ics.utils import EventWithTimezone

PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AllDayEvent(EventWithTimezone):
    """An event whose plain-date start makes it an all-day event (its serializer writes those as dates)."""

    @EventWithTimezone.begin.setter
    def begin(self, value: object) -> None:
        EventWithTimezone.begin.fset(self, value)
        if isinstance(value, str) and PLAIN_DATE.match(value):
            self.make_all_day()


# render_ics looks the event class up in its module each time it renders (loading this twice is harmless).
datasette_ics.EventWithTimezone = AllDayEvent
