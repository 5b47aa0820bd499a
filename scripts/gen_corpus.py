#!/usr/bin/env python3
"""Write a deterministic synthetic corpus: articles, sources.yaml, entities and facts that all check.

    python scripts/gen_corpus.py /tmp/corpus-100k --facts 100000
    python scripts/gen_corpus.py /tmp/breaking --facts 100000 --shape breaking

Articles (one per 10 facts unless --articles is given) have a headline, a byline and about 40
sentences in 7 paragraphs, with abbreviations (U.S., Sec., Jr.), curly-quoted speech, figures and
weekday phrases. Each fact cites 1-3 articles with words that really occur there once; kinds, absolute
and relative dates (`when: on Monday`) and entity references are mixed. The same arguments always
write the same bytes. Facts go 1,000 to a file (facts/facts-0001.yaml, ...), so "one facts file
changed" means 1,000 facts to read again.

A shape (--shape, SHAPES) changes what the archive looks like: the vocabulary (Zipfian, as news copy,
or uniform), the days the articles are spread over (22 years by default; 30 for one breaking story,
every article inside corroboration's window), the share of sentences with the abbreviations and
initials of news copy ("U.S. Army", "Mr. Lee", "Gen. Lee", "Jan. 5", "John F. Lee") and of numbered
or lettered lists, and the share of articles that are wire copies of another (the same sentences a
day or two later, a few words changed; half of them credit the wire in sources.yaml).
"""
import argparse
import datetime
import hashlib
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from timeline.text import dates  # noqa: E402

FACTS_PER_FILE = 1000
CONSONANTS, VOWELS = "bcdfghklmnprstvz", "aeiou"
COMMON = ("the", "of", "and", "a", "to", "in", "for", "on", "that", "with", "as", "by", "from", "at", "officials",
          "council", "report", "said", "city", "program", "court", "police", "budget", "plan", "vote", "agency")
VOCABULARY = 60000  # made-up words, drawn with Zipf's law like the words of real news copy
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
UNITS = ("people", "USD", "inmates", "homes", "votes", "jobs")
KINDS = ("event", "event", "figure", "statement", "claim", "court_action")
TYPES = ("person", "organisation", "group", "place", "facility", "law", "court")
MONTHS = ("Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
TITLES = ("Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Sen.", "Rep.", "Gov.", "Lt.", "Col.")
# name: generate()'s arguments. "default" is the corpus of earlier benchmarks; the others each change one
# thing from a news-like archive: a Zipfian vocabulary, one sentence in ten with an abbreviation or an
# initial, 2,000 days (the shape of the held-out corpus issue 28 was measured on).
SHAPES = {
    "default": {},
    "news": {"days": 2000, "abbreviations": 0.1},
    "uniform": {"days": 2000, "abbreviations": 0.1, "vocabulary": "uniform"},
    "abbreviations": {"days": 2000, "abbreviations": 0.3, "lists": 0.05},
    "breaking": {"days": 30, "abbreviations": 0.1},
    "wire": {"days": 2000, "abbreviations": 0.1, "wire": 0.3},
}


class Words:
    """A vocabulary of made-up words and their Zipf weights (the 10th most common word is 10x rarer than
    the first), so that full-text search and sentence comparison see the spread of real text."""

    def __init__(self, rng):
        made = set()
        while len(made) < VOCABULARY:
            made.add("".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4))))
        made = sorted(made)
        rng.shuffle(made)
        self.words = COMMON + tuple(made)
        total, self.cumulative = 0.0, []
        for rank in range(len(self.words)):
            total += 1.0 / (rank + 1)
            self.cumulative.append(total)

    def __call__(self, rng, n):
        if self.uniform:
            return rng.choices(self.words, k=n)
        return rng.choices(self.words, cum_weights=self.cumulative, k=n)

    uniform = False


words = None


def name(rng):
    return " ".join(w.capitalize() for w in rng.sample(words.words[len(COMMON):], 2))


def abbreviated(rng, body, people, lists):
    """A sentence of `body` with an abbreviation or an initial news copy has (or a list, `lists` of the time)."""
    if rng.random() < lists:
        items = [" ".join(words(rng, 2)) for _ in range(3)]
        marks = rng.choice((("1)", "2)", "3)"), ("(a)", "(b)", "(c)"), ("1.", "2.", "3.")))
        return f"{body[0].capitalize()} {' '.join(body[1:4])}: " + ", ".join(f"{m} {i}" for m, i in zip(marks, items)) + "."
    first, rest = body[0].capitalize(), " ".join(body[1:])
    person = rng.choice(people)
    return rng.choice((
        f"The U.S. {body[0].capitalize()} {rest}.",
        f"{rng.choice(TITLES)} {person.split()[-1]} {rest}.",
        f"{first} {' '.join(body[1:4])} on {rng.choice(MONTHS)} {rng.randint(1, 28)} {' '.join(body[4:])}.",
        f"{person.split()[0]} {rng.choice('ABCDEFGHJKLMNOPRSTW')}. {person.split()[-1]} {rest}.",
        f"{first} {' '.join(body[1:5])} in Washington, D.C. {body[5].capitalize()} {' '.join(body[6:])}.",
    ))


class Article:
    def __init__(self, rng, index, published, people, abbreviations=0.0, lists=0.0):
        self.id = f"a{index:05d}"
        self.published = published
        self.based_on = None
        self.figures, self.weekdays, self.plain = [], [], []
        paragraphs = [name(rng) + " " + " ".join(words(rng, 6)), "By " + rng.choice(people)]
        for p in range(7):
            sentences = []
            for s in range(rng.randint(5, 6)):
                roll = rng.random()
                body = words(rng, rng.randint(9, 18))
                if abbreviations and rng.random() < abbreviations:
                    sentences.append(abbreviated(rng, body, people, lists))
                    continue
                if roll < 0.12:
                    value, unit = rng.randint(2, 90000), rng.choice(UNITS)
                    text = f"{body[0].capitalize()} {' '.join(body[1:5])} counted {value} {unit} {' '.join(body[5:])}."
                    self.figures.append((text, value, unit))
                elif roll < 0.22:
                    day = rng.choice(WEEKDAYS)
                    text = f"{rng.choice(people)} said on {day} that {' '.join(body)}."
                    if dates.phrase_direction(f"on {day}", text)[0] == "past":  # its own clause says it is past
                        self.weekdays.append((text, day))
                elif roll < 0.30:
                    text = f"\u201c{' '.join(body).capitalize()},\u201d said Sec. {rng.choice(people)}."
                elif roll < 0.36:
                    text = f"The U.S. {' '.join(body)} in {name(rng)}, Jr. said."
                else:
                    text = " ".join(body).capitalize() + "."
                    self.plain.append(text)
                sentences.append(text)
            paragraphs.append(" ".join(sentences))
        self.text = "\n\n".join(paragraphs) + "\n"

    def copied(self, rng, index, published, wire):
        """A wire copy of this article in another outlet: the same sentences, a few words changed."""
        copy = Article.__new__(Article)
        copy.id, copy.published, copy.based_on = f"a{index:05d}", published, wire
        copy.figures, copy.weekdays, copy.plain = list(self.figures), list(self.weekdays), []
        edited = {}
        for sentence in self.plain:
            tokens = sentence.rstrip(".").split(" ")
            if len(tokens) > 6 and rng.random() < 0.5:
                tokens[rng.randrange(1, len(tokens))] = words(rng, 1)[0]
            edited[sentence] = " ".join(tokens) + "."
            copy.plain.append(edited[sentence])
        paragraphs = self.text.split("\n\n")
        for n, paragraph in enumerate(paragraphs):
            for old, new in edited.items():
                paragraph = paragraph.replace(old, new)
            paragraphs[n] = paragraph
        copy.text = "\n\n".join(paragraphs)
        return copy

    def quote(self, rng, sentence):
        """A run of 4-8 words of `sentence` that occurs exactly once in the article (or None)."""
        tokens = sentence.rstrip(".").split(" ")
        for _ in range(6):
            n = min(len(tokens), rng.randint(4, 8))
            start = rng.randint(0, len(tokens) - n)
            quote = " ".join(tokens[start:start + n]).strip("\u201c\u201d,")
            first = self.text.find(quote)
            if len(quote.split()) >= 3 and self.text.find(quote, first + 1) == -1:  # once, overlaps counted
                return quote
        return None


def generate(out, n_facts, n_articles=None, seed=1, facts_per_file=FACTS_PER_FILE, vocabulary="zipf", days=8000,
             abbreviations=0.0, lists=0.0, wire=0.0):
    """Write the corpus; the keyword arguments after facts_per_file make its shape (SHAPES)."""
    global words
    rng = random.Random(seed)
    words = Words(rng)
    words.uniform = vocabulary == "uniform"
    n_articles = n_articles or max(1, n_facts // 10)
    n_entities = max(20, n_facts // 20)
    os.makedirs(os.path.join(out, "sources"), exist_ok=True)
    os.makedirs(os.path.join(out, "facts"), exist_ok=True)
    people = [name(rng) for _ in range(200)]
    first = datetime.date(2001, 1, 1)
    articles = []
    for i in range(n_articles):
        published = first + datetime.timedelta(days=i * days // n_articles)
        if wire and i and rng.random() < wire:  # a copy of one of the last few, a day or two later
            original = articles[rng.randrange(max(0, i - 5), i)]
            credit = "Wire Service" if rng.random() < 0.5 else None
            articles.append(original.copied(rng, i + 1, published, credit))
            continue
        articles.append(Article(rng, i + 1, published, people, abbreviations, lists))
    with open(os.path.join(out, "sources", "sources.yaml"), "w", encoding="utf-8") as y:
        for a in articles:
            data = a.text.encode("utf-8")
            with open(os.path.join(out, "sources", a.id + ".txt"), "wb") as f:
                f.write(data)
            y.write(f"- id: {a.id}\n  path: sources/{a.id}.txt\n  sha256: {hashlib.sha256(data).hexdigest()}\n"
                    f"  outlet: Outlet {int(a.id[1:]) % 40}\n  title: Article {a.id}\n  published: {a.published}\n"
                    + (f"  based_on: {a.based_on}\n" if a.based_on else ""))
    entity_ids = [f"e{i:05d}" for i in range(1, n_entities + 1)]
    with open(os.path.join(out, "facts", "entities.yaml"), "w", encoding="utf-8") as f:
        for eid in entity_ids:
            f.write(f"- id: {eid}\n  name: {name(rng)}\n  type: {rng.choice(TYPES)}\n"
                    f"  description: {' '.join(words(rng, 8))}\n")
    files = {}
    made = 0
    while made < n_facts:
        fact = _fact(rng, made + 1, articles, entity_ids)
        if fact is None:
            continue
        files.setdefault(made // facts_per_file, []).append(fact)
        made += 1
    for number, facts in files.items():
        with open(os.path.join(out, "facts", f"facts-{number + 1:04d}.yaml"), "w", encoding="utf-8") as f:
            f.write("".join(facts))
    return {"facts": n_facts, "articles": n_articles, "entities": n_entities, "fact_files": len(files)}


def _fact(rng, n, articles, entity_ids):
    kind = rng.choice(KINDS)
    i = rng.randrange(len(articles))
    main = articles[i]
    lines = [f"- id: fact-{n:06d}", f"  kind: {kind}"]
    date = None
    if kind == "figure" and main.figures:
        sentence, value, unit = rng.choice(main.figures)
        lines += [f"  title: {' '.join(sentence.split()[:8])}", f"  value: {value}", f"  unit: {unit}"]
        if rng.random() < 0.3:
            lines.append("  qualifier: approx")
    else:
        if kind == "figure":
            kind = "event"
            lines[1] = "  kind: event"
        if main.weekdays and rng.random() < 0.3:
            sentence, day = rng.choice(main.weekdays)
            date = f"  when: on {day}"
        else:
            sentence = rng.choice(main.plain)
        title = " ".join(sentence.rstrip(".").split()[:9]).strip("\u201c\u201d,")
        lines.append(f"  title: \"{title[0].upper() + title[1:]}\"")
    if date is None and rng.random() < 0.8:
        back = main.published - datetime.timedelta(days=rng.randint(0, 900))
        date = "  date: " + rng.choice((back.isoformat(), back.isoformat()[:7], back.isoformat()[:4]))
    if date:
        lines.append(date)
    if kind in ("statement", "claim"):
        lines.append(f"  attributed_to: {rng.choice(entity_ids)}")
    refs = rng.sample(entity_ids, rng.randint(0, 3))
    if refs:
        lines.append(f"  entities: [{', '.join(refs)}]")
    if rng.random() < 0.2:
        lines.append(f"  topic: topic-{rng.randint(1, 500)}")
    quote = main.quote(rng, sentence)
    if kind == "figure":  # a figure's value must be a number its quote says
        quote = f"counted {value} {unit}" if main.text.count(f"counted {value} {unit}") == 1 else None
    if quote is None:
        return None
    lines += ["  sources:", f"    - source: {main.id}", f"      quote: \"{quote}\""]
    for _ in range(rng.choice((0, 0, 1, 2))):  # later articles that report it too
        other = articles[min(len(articles) - 1, i + rng.randint(1, 30))]
        if other is main or not other.plain:
            continue
        q = other.quote(rng, rng.choice(other.plain))
        if q and f"source: {other.id}\n" not in "\n".join(lines) + "\n":
            lines += [f"    - source: {other.id}", f"      quote: \"{q}\""]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to write (facts/ and sources/ inside)")
    parser.add_argument("--facts", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=None, help="default: one per 10 facts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="default", help="what the archive looks like")
    args = parser.parse_args()
    print(generate(args.out, args.facts, args.articles, args.seed, **SHAPES[args.shape]))


if __name__ == "__main__":
    main()
