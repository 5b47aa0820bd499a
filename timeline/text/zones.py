"""Time zone abbreviations as news writes them ("ET", "EDT", "GMT", "CET") and their offset from UTC
on a given day, daylight saving included: a time of day is stored with the offset it had then.

Only abbreviations with one meaning are kept: an IANA zone (its offset on that day) or a fixed
offset in minutes. IST (India, Ireland, Israel) and others with several meanings are left out.
"""
from __future__ import annotations

import datetime
import zoneinfo

ZONES: dict[str, str | int]
ZONES = {"et": "America/New_York", "ct": "America/Chicago", "mt": "America/Denver", "pt": "America/Los_Angeles",
         "edt": -240, "est": -300, "cdt": -300, "cst": -360, "mdt": -360, "mst": -420, "pdt": -420, "pst": -480,
         "akdt": -480, "akst": -540, "hst": -600, "gmt": 0, "utc": 0, "z": 0, "wet": 0, "bst": 60, "west": 60,
         "cet": 60, "cest": 120, "eet": 120, "eest": 180, "msk": 180, "sast": 120, "eat": 180, "wat": 60,
         "pkt": 300, "sgt": 480, "hkt": 480, "jst": 540, "kst": 540, "awst": 480, "acst": 570, "acdt": 630,
         "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780}


def minutes_east(zone: str, local: datetime.datetime) -> int:
    """Minutes east of UTC of a zone abbreviation of ZONES (any case) at the local time `local`."""
    found = ZONES[zone.lower()]
    if isinstance(found, str):
        delta = local.replace(tzinfo=zoneinfo.ZoneInfo(found)).utcoffset()
        assert delta is not None  # a ZoneInfo gives every time its offset
        return int(delta.total_seconds() // 60)
    return found


def offset_text(minutes: int) -> str:
    """'+HH:MM' or '-HH:MM' for minutes east of UTC."""
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_offset(zone: str | None, day: datetime.date, clock: str) -> str:
    """'+HH:MM' / '-HH:MM' of a zone abbreviation at that day and time ('HH:MM', '24:00' the end of the
    day), or '' when no zone is given."""
    if not zone:
        return ""
    hour, minute = (23, 59) if clock == "24:00" else (int(clock[:2]), int(clock[3:]))
    return offset_text(minutes_east(zone, datetime.datetime(day.year, day.month, day.day, hour, minute)))
