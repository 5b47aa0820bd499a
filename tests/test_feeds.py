"""The Atom feed and the iCalendar calendar, read by parsers written by others and checked against the MUST
rules of RFC 4287 and RFC 5545; stored text never breaks either."""
import re
import sqlite3

import icalendar
from lxml import etree
from test_exports import fetch, query

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def raw(db, path):
    status, kind, body = fetch(db, path)
    assert status == 200, body
    return kind, body


def check_rfc5545(body):
    """The rules of RFC 5545 a strict reader holds a calendar to; gives the parsed calendar."""
    octets = body.encode("utf-8")
    assert octets.endswith(b"\r\n")  # 3.1: every content line ends with CRLF, the last one too
    lines = octets[:-2].split(b"\r\n")
    assert not any(b"\n" in line or b"\r" in line for line in lines)  # no bare line ends
    assert max(len(line) for line in lines) <= 75  # 3.1: folded at 75 octets
    calendar = icalendar.Calendar.from_ical(octets)
    assert not calendar.errors
    assert calendar.get("PRODID") and calendar.get("VERSION") == "2.0"  # 3.6: required once
    events = calendar.walk("VEVENT")
    for event in events:
        assert not event.errors, event.errors
        for name in ("DTSTAMP", "UID", "DTSTART"):  # 3.6.1: DTSTAMP and UID required; DTSTART without METHOD
            assert len(event.get(name) if isinstance(event.get(name), list) else [event.get(name)]) == 1, name
            assert event.get(name) is not None, name
        assert isinstance(event.decoded("DTSTAMP").tzinfo, object) and event["DTSTAMP"].to_ical().endswith(b"Z")
    return calendar, events


def test_the_calendar_passes_rfc_5545_in_a_strict_parser(db):
    kind, body = raw(db, "/timeline/calendar.ics")
    assert kind.startswith("text/calendar")
    _, events = check_rfc5545(body)
    facts = query(db, "SELECT id, title, date_start FROM facts WHERE date_precision = 'day'")
    assert sorted(str(e["SUMMARY"]) for e in events) == sorted(f["title"] for f in facts)  # folded and read back
    assert {str(e["UID"]) for e in events} == {f"fact-{f['id']}@timeline" for f in facts}
    assert any(len(f"SUMMARY:{f['title']}".encode()) > 75 for f in facts)  # the real data has lines to fold


def check_rfc4287(body):
    """The MUST rules of RFC 4287 for a feed and its entries, read by a real XML parser."""
    feed = etree.fromstring(body.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):  # 4.1.1: exactly one each
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert RFC3339.match(feed.findtext(f"{ATOM}updated"))
    entries = feed.findall(f"{ATOM}entry")
    authors = feed.findall(f"{ATOM}author")
    for author in authors:
        assert author.findtext(f"{ATOM}name")  # 3.2.1: a Person has exactly one name
    for entry in entries:
        for name in ("id", "title", "updated"):  # 4.1.2: exactly one each
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        assert re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", entry.findtext(f"{ATOM}id"))  # 4.2.6: an IRI, absolute
        assert authors or entry.findall(f"{ATOM}author")  # 4.1.1: the feed's authors, or each entry's own
        alternate = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        assert entry.find(f"{ATOM}content") is not None or alternate  # 4.1.2: content, or a link to it
        for link in entry.findall(f"{ATOM}link"):
            assert re.match(r"^https?://", link.get("href")), link.get("href")  # resolvable wherever it is read
    return feed, entries


def test_the_atom_feed_passes_rfc_4287(db):
    kind, body = raw(db, "/timeline/facts_feed.atom")
    assert kind.startswith("application/xml")
    feed, entries = check_rfc4287(body)
    (author,) = feed.findall(f"{ATOM}author")
    assert author.findtext(f"{ATOM}uri") == "http://localhost/"
    (n,), = [tuple(r.values()) for r in query(db, "SELECT count(*) FROM facts")]
    assert len(entries) == n
    assert entries[0].find(f"{ATOM}link").get("href").startswith("http://localhost/timeline/facts/")


def test_an_empty_feed_and_calendar_pass_their_rules(tree):
    tree.write("facts/facts.yaml", "[]\n")
    tree.build()
    check_rfc4287(raw(tree.db, "/timeline/facts_feed.atom")[1])
    _, events = check_rfc5545(raw(tree.db, "/timeline/calendar.ics")[1])
    assert events == []


def test_text_no_feed_can_carry_never_breaks_a_feed(tree):
    """A noncharacter, a control character or a lone surrogate stored in a title or notes (check refuses
    them; a database can still hold them) is written as U+FFFD: the feeds stay valid for every reader."""
    tree.write("facts/facts.yaml", tree.facts.joinpath("facts.yaml").read_text().replace(
        "  value: 12000000", "  date: 2025-03-26\n  value: 12000000"))
    tree.build()
    conn = sqlite3.connect(tree.db)
    conn.execute("UPDATE facts SET title = ?, notes = ?", ("Cost \ufffe\uffff\x01\x1b[31m\U0010fffe " + "é" * 60,
                                                             "notes \ufdd0 \x7f"))
    conn.commit()
    conn.close()
    _, entries = check_rfc4287(raw(tree.db, "/timeline/facts_feed.atom")[1])
    assert entries[0].findtext(f"{ATOM}title").startswith("Cost \ufffd\ufffd\ufffd\ufffd[31m\ufffd ")
    _, events = check_rfc5545(raw(tree.db, "/timeline/calendar.ics")[1])
    assert str(events[0]["SUMMARY"]).startswith("Cost \ufffd\ufffd\ufffd\ufffd[31m\ufffd é")
