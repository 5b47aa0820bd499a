"""News pages made by the tests, in the shapes real sites use, each with what extraction must give.

Every page wraps its article in the furniture real pages have (menus, cookie notices, related stories,
newsletter boxes, share buttons, footers); `paragraphs` are the article's paragraphs as a reader sees
them, `boilerplate` strings that must not reach the text, `fields` the metadata extraction must find
(None: the page does not say), `evidence` words the notes must use for each field.
"""
import html as html_module
import json

# The article paragraphs, shared by pages that carry the same story (wire copy).
BRIDGE = [
    "The Harbour Bridge opened to traffic on Wednesday, three years after work began and 18 months later than"
    " the council had promised.",
    "\u201cIt is a great day for the town,\u201d said Mayor Ann Lee, who cut the ribbon at 9 a.m. as a brass band"
    " played. \u201cWe waited a long time \u2014 longer than anyone wanted.\u201d",
    "The bridge cost $12 million to build, according to council figures, about $3 million more than the"
    " original estimate of $9 million.",
    "Work began in 2021 and employed about 300 people at its peak, the construction firm said in a statement.",
    "Some residents were less enthusiastic. \u201cThe tolls are too high,\u201d said Priya Nair, a nurse who"
    " commutes across the harbour each day.",
]


def _p(paragraphs):
    return "\n".join(f"<p>{html_module.escape(p, quote=False)}</p>" for p in paragraphs)


def ld(data):
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def ledger(paragraphs=BRIDGE, canonical="https://www.coastal-ledger.example/news/2025/03/26/harbour-bridge-opens/",
           extra_head=""):
    """A big-city daily: JSON-LD NewsArticle with two authors and a publisher, OpenGraph, a canonical
    link, a cookie banner, a menu, a related-stories aside and a newsletter box inside the article,
    a most-read list and a footer."""
    body = _p(paragraphs[:2]) + """
<aside class="related-stories"><h3>Related stories</h3><ul><li><a href="/a">Council approves bridge budget</a></li>
<li><a href="/b">Ferry service to end in May</a></li><li><a href="/c">Opinion: Was the bridge worth it?</a></li></ul></aside>
""" + _p(paragraphs[2:3]) + """
<div class="newsletter-signup"><h4>Get the Morning Ledger</h4><p>Sign up for our free newsletter and get the
day\u2019s top stories in your inbox every morning.</p><form><input type="email"><button>Sign up</button></form></div>
""" + _p(paragraphs[3:])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge opens after years of delay - The Coastal Ledger</title>
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="The Coastal Ledger">
<meta property="og:title" content="Harbour bridge opens after years of delay">
<meta property="article:published_time" content="2025-03-26T19:50:00-04:00">
{ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour bridge opens after years of delay",
     "datePublished": "2025-03-26T19:50:00-04:00", "dateModified": "2025-03-27T08:00:00-04:00",
     "author": [{"@type": "Person", "name": "Jane Roe"}, {"@type": "Person", "name": "Omar Haddad"}],
     "publisher": {"@type": "NewsMediaOrganization", "name": "The Coastal Ledger"},
     "mainEntityOfPage": {"@type": "WebPage", "@id": canonical}})}
{extra_head}
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. <button>Accept all
cookies</button> <a href="/privacy">Manage preferences</a></div>
<header class="site-header"><a href="/" class="logo">The Coastal Ledger</a>
<nav class="main-nav"><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/opinion">Opinion</a></li><li><a href="/weather">Weather</a></li><li><a href="/subscribe">Subscribe
today</a></li></ul></nav></header>
<main><article>
<h1>Harbour bridge opens after years of delay</h1>
<div class="byline">By <a href="/by/jane-roe">Jane Roe</a> and <a href="/by/omar-haddad">Omar Haddad</a></div>
<time datetime="2025-03-26T19:50:00-04:00">March 26, 2025 at 7:50 p.m. EDT</time>
<div class="article-body">
{body}
</div></article>
<section class="most-read"><h2>Most read</h2><ol><li><a href="/x">Storm warning for weekend</a></li>
<li><a href="/y">School closures announced</a></li></ol></section>
</main>
<footer class="site-footer"><p>\u00a9 2025 The Coastal Ledger. All rights reserved.</p><ul><li><a href="/terms">Terms
of use</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/contact">Contact us</a></li></ul></footer>
</body></html>"""


LEDGER = {
    "html": ledger(),
    "paragraphs": BRIDGE,
    "boilerplate": ["cookies", "Related stories", "Council approves bridge budget", "Sign up", "newsletter",
                    "Most read", "Storm warning", "All rights reserved", "Terms of use", "Subscribe", "Weather"],
    "fields": {"outlet": "The Coastal Ledger", "title": "Harbour bridge opens after years of delay",
               "author": "Jane Roe; Omar Haddad", "published": "2025-03-26T19:50:00-04:00",
               "url": "https://www.coastal-ledger.example/news/2025/03/26/harbour-bridge-opens/"},
    "evidence": {"outlet": "og:site_name", "title": "JSON-LD NewsArticle headline", "author": "JSON-LD NewsArticle author",
                 "published": "JSON-LD NewsArticle datePublished", "url": 'rel="canonical"'},
}

PORT = [
    "Dock workers at the port of Riverside voted to return to work on Wednesday, ending an 11-day strike that"
    " halted most container traffic on the east coast.",
    "The union said 4,200 members took part in the vote and 71% backed the deal, which raises wages by 9% over"
    " three years.",
    "\u201cNobody wins a strike, but our members held together,\u201d said union president Marcus Bell.",
    "Shipping companies estimated the stoppage cost them $85 million a day.",
]

_HERALD_CRUMBS = ld({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
    {"@type": "ListItem", "position": 1, "name": "Home", "item": "https://riverside-herald.example/"},
    {"@type": "ListItem", "position": 2, "name": "Business"}]})
_HERALD_GRAPH = ld({"@context": "https://schema.org", "@graph": [
    {"@type": "WebSite", "@id": "https://riverside-herald.example/#website", "name": "Riverside Herald"},
    {"@type": "Organization", "@id": "https://riverside-herald.example/#organization",
     "name": "Riverside Herald Media Group"},
    {"@type": "WebPage", "@id": "https://riverside-herald.example/business/port-strike-ends/",
     "url": "https://riverside-herald.example/business/port-strike-ends/", "name": "Port strike ends | Riverside Herald"},
    {"@type": ["Article", "ReportageNewsArticle"], "@id": "https://riverside-herald.example/business/port-strike-ends/#article",
     "headline": "Port strike ends after 11 days", "datePublished": "2025-03-26T23:50:00+00:00",
     "author": {"@id": "https://riverside-herald.example/#/schema/person/4f2a"},
     "publisher": {"@id": "https://riverside-herald.example/#organization"},
     "isPartOf": {"@id": "https://riverside-herald.example/business/port-strike-ends/"}},
    {"@type": "Person", "@id": "https://riverside-herald.example/#/schema/person/4f2a", "name": "Luc\u00eda Fern\u00e1ndez"}]})
HERALD_BYLINE = "Luc\u00eda Fern\u00e1ndez"

HERALD = {
    # A WordPress site with Yoast: a BreadcrumbList block, then an @graph whose Article (typed as a list)
    # points to its author, publisher and page by @id; the date in UTC; share buttons, Jetpack related
    # posts, a sidebar.
    "html": f"""<!doctype html><html><head><meta charset="utf-8">
<title>Port strike ends after 11 days | Riverside Herald</title>
{_HERALD_CRUMBS}
{_HERALD_GRAPH}
</head><body>
<div class="topbar"><a href="/login">Log in</a> <a href="/subscribe">Subscribe</a></div>
<nav><a href="/">Home</a> | <a href="/business">Business</a> | <a href="/politics">Politics</a></nav>
<div class="gdpr">This site uses cookies. By continuing to browse you agree to our use of cookies.</div>
<div class="content"><div class="entry-content">
<h1 class="entry-title">Port strike ends after 11 days</h1>
<p class="meta">Posted on <time class="entry-date published" datetime="2025-03-26T23:50:00+00:00">March 26, 2025</time>
by <span class="author">{HERALD_BYLINE}</span></p>
{_p(PORT[:2])}
<div class="share"><a>Share on Facebook</a> <a>Share on X</a> <a>Email this article</a></div>
{_p(PORT[2:])}
<div class="jp-relatedposts"><h3>Related</h3><p><a href="/1">Union rejects first offer</a></p>
<p><a href="/2">Port traffic falls by half</a></p></div>
</div></div>
<div class="sidebar"><h3>Popular this week</h3><ul><li>Mayor resigns</li><li>New stadium plan unveiled</li></ul></div>
<footer>Riverside Herald \u00b7 12 Quay Street \u00b7 Copyright \u00a9 2025 Riverside Herald Media Group</footer>
</body></html>""",
    "paragraphs": PORT,
    "boilerplate": ["Log in", "cookies", "Share on", "Union rejects", "Popular this week", "Quay Street", "Politics"],
    "fields": {"outlet": "Riverside Herald", "title": "Port strike ends after 11 days", "author": "Luc\u00eda Fern\u00e1ndez",
               "published": "2025-03-26T23:50:00+00:00", "url": "https://riverside-herald.example/business/port-strike-ends/"},
    "evidence": {"outlet": "JSON-LD WebSite name", "author": "JSON-LD ReportageNewsArticle author",
                 "published": "JSON-LD ReportageNewsArticle datePublished", "url": "isPartOf"},
}

FLOOD = [
    "Flood barriers failed in three villages along the River Wend overnight, forcing about 150 people from"
    " their homes.",
    "The Environment Agency said water levels rose 2.3 metres in six hours, the fastest rise it had recorded on"
    " the river.",
    "\u201cWe did everything we could,\u201d said parish councillor Helen Ward. \u201cThe barriers simply weren\u2019t"
    " built for this.\u201d",
    "Repairs are expected to take at least four weeks.",
]

NORTHERN = {
    # OpenGraph and <meta> only: no JSON-LD, no canonical link; article:author is a Facebook page (not a name).
    "html": f"""<html><head><meta charset="utf-8">
<title>Flood defences fail in three villages</title>
<meta property="og:type" content="article">
<meta property="og:title" content="Flood defences fail in three villages">
<meta property="og:site_name" content="Northern Post">
<meta property="og:url" content="https://northernpost.example/2025/03/26/flood-defences-fail">
<meta property="article:published_time" content="2025-03-26T10:15:00+01:00">
<meta property="article:author" content="https://www.facebook.com/northernpost">
<meta name="author" content="Tom Birch">
</head><body>
<div id="consent"><p>Your privacy matters. We and our 143 partners store and access information on your device.</p>
<button>I accept</button></div>
<div class="menu"><span>Menu</span> <a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></div>
<div id="story"><h1>Flood defences fail in three villages</h1>
{_p(FLOOD)}
</div>
<div class="newsletter"><p>Sign up to our daily newsletter for the latest news direct to your inbox.</p></div>
<div class="related"><h2>More from Northern Post</h2><a href="/a">Storm Bert: what we know</a></div>
<div class="footer">Northern Post is part of Example Media. Registered in England. All rights reserved.</div>
</body></html>""",
    "paragraphs": FLOOD,
    "boilerplate": ["privacy", "143 partners", "I accept", "Menu", "newsletter", "Storm Bert", "Registered in England"],
    "fields": {"outlet": "Northern Post", "title": "Flood defences fail in three villages", "author": "Tom Birch",
               "published": "2025-03-26T10:15:00+01:00", "url": "https://northernpost.example/2025/03/26/flood-defences-fail"},
    "evidence": {"outlet": "og:site_name", "title": "og:title", "author": '<meta name="author">',
                 "published": "article:published_time", "url": "og:url"},
}

RENTS = [
    "The city council voted 7-2 on Wednesday to freeze rents in its 1,800 public housing units for a second year.",
    "Council member Raj Patel, who voted against the freeze, said it would leave a $2.1 million hole in the"
    " maintenance budget.",
    "\u201cWe cannot keep putting off repairs,\u201d Patel said.",
    "The freeze takes effect on April 1.",
]

VALLEY = {
    # A bare page: no metadata at all, only what a reader sees: a byline with a job title, a visible date
    # line with a time zone and an update, and a copyright line naming the paper.
    "html": f"""<html><head><title>Council freezes rents for second year</title></head><body>
<div class="nav"><a href="/">Valley Times home</a> \u00b7 <a href="/local">Local</a> \u00b7 <a href="/jobs">Jobs</a></div>
<h1>Council freezes rents for second year</h1>
<p class="byline">By Ann Lee, Staff Writer</p>
<p class="dateline">Published March 26, 2025 7:50 p.m. ET | Updated March 27, 2025 8:02 a.m. ET</p>
{_p(RENTS)}
<p class="copyright">Copyright 2025 Valley Times. All rights reserved. This material may not be published,
broadcast, rewritten or redistributed.</p>
</body></html>""",
    "paragraphs": RENTS,
    "boilerplate": ["Valley Times home", "Jobs", "All rights reserved", "redistributed"],
    "fields": {"outlet": "Valley Times", "title": "Council freezes rents for second year", "author": "Ann Lee",
               "published": "2025-03-26T19:50:00-04:00", "url": None},
    "evidence": {"outlet": "copyright line", "title": "<h1>", "author": 'the byline "By Ann Lee, Staff Writer"',
                 "published": 'the visible date line "Published March 26, 2025 7:50 p.m. ET'},
}

HOSPITAL = [
    "A new children\u2019s hospital in the north of the city will open in September, the health board confirmed"
    " on Wednesday.",
    "The 240-bed building has cost \u00a3310m, almost twice the figure announced when it was approved in 2019.",
    "\u201cFamilies have waited long enough,\u201d the board\u2019s chair, Dr Sarah Okafor, said.",
    "Opposition councillors called for an independent inquiry into the overspend.",
]

_GAZETTE_LD = ld([{"@context": "http://schema.org", "@type": "http://schema.org/NewsArticle",
      "headline": "Children\u2019s hospital to open in September after \u00a3310m overspend",
      "datePublished": "2025-03-26T14:05:00", "author": "Helen Pidd",
      "publisher": {"@type": "Organization", "name": "Westshire Gazette"}},
     {"@context": "http://schema.org", "@type": "Organization", "name": "Westshire Gazette Ltd"}])
_GAZETTE_H1 = "Children\u2019s hospital to open in September after \u00a3310m overspend"
_GAZETTE_PROMO = "Support the Westshire Gazette: subscribe from \u00a31 a week."

GAZETTE = {
    # A British paper: JSON-LD as a list of two objects, the author a plain string, datePublished without
    # an offset (so its time is not used), a day-first visible date line in GMT that gives the time.
    "html": f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Children's hospital to open in September | Westshire Gazette</title>
{_GAZETTE_LD}
<meta name="twitter:title" content="Children's hospital to open in September">
</head><body>
<div class="banner-ad">Advertisement</div>
<ul class="navigation"><li>Home</li><li>UK</li><li>World</li><li>Business</li></ul>
<div class="article">
<h1>{_GAZETTE_H1}</h1>
<div class="dateline">Wed 26 Mar 2025 14.05 GMT</div>
{_p(HOSPITAL)}
<div class="promo-box"><p>{_GAZETTE_PROMO}</p></div>
</div>
<div class="most-popular"><h2>Most viewed</h2><ol><li>Bin strike talks collapse</li></ol></div>
</body></html>""",
    "paragraphs": HOSPITAL,
    "boilerplate": ["Advertisement", "Business", "Support the Westshire Gazette", "Most viewed", "Bin strike"],
    "fields": {"outlet": "Westshire Gazette",
               "title": "Children\u2019s hospital to open in September after \u00a3310m overspend",
               "author": "Helen Pidd", "published": "2025-03-26T14:05:00+00:00", "url": None},
    "evidence": {"outlet": "JSON-LD NewsArticle publisher", "author": "JSON-LD NewsArticle author",
                 "published": "with the time from the visible date line \"Wed 26 Mar 2025 14.05 GMT\""},
}

CONSENT_WALL = """<html><head><title>Before you continue</title><meta property="og:site_name" content="Big Site"></head>
<body><div class="consent-wall"><h1>Before you continue</h1><p>We use cookies and data to deliver our services.</p>
<button>Accept all</button><button>Reject all</button></div></body></html>"""


def cp1252_page():
    """An older site's page in Windows-1252, declared in a <meta http-equiv> tag: curly quotes are bytes 0x93/0x94."""
    text = (f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>Mill to close after 140 years</title><meta property="og:site_name" content="Dale Courier"></head><body>
<div id="article"><h1>Mill to close after 140 years</h1>
<p>The Brook Lane mill will close in June with the loss of 85 jobs, its owners said on Wednesday.</p>
<p>\u201cIt is the end of an era,\u201d said Joan Hartley, who has worked there for 31 years.</p>
<p>The owners blamed energy costs, which they said had tripled since 2021.</p></div></body></html>""")
    return text.encode("cp1252")

TRAINS = [
    "Night trains between Lyon and Vienna will run three times a week from December, the operator announced"
    " on Wednesday.",
    "Tickets will start at \u20ac59 for a seat and \u20ac149 for a sleeping berth, and the journey will take"
    " 13 hours.",
    "\u201cDemand has doubled since 2023,\u201d said the operator\u2019s spokesperson, Claire Martin.",
]

DISPATCH = {
    # Saved with the SingleFile browser extension (its comment gives the address and the time of saving);
    # schema.org microdata instead of JSON-LD; the byline in <meta name="byl"> as some papers write it;
    # a <time pubdate> in Central European Time; a live "Latest" ticker and a comments section.
    "html": f"""<!DOCTYPE html> <html lang="en"><!--
 Page saved with SingleFile 
 url: https://www.rail-dispatch.example/europe/night-trains-lyon-vienna?ref=home 
 saved date: Wed Mar 26 2025 21:14:09 GMT+0100 (Central European Standard Time)
--><head><meta charset="utf-8">
<title>Night trains to link Lyon and Vienna \u2014 Rail Dispatch</title>
<meta name="byl" content="By Pierre Dubois and Anna Weber">
</head><body>
<div class="ticker"><b>Latest:</b> <a href="/1">Strike called off</a> <a href="/2">New timetable</a></div>
<div itemscope itemtype="https://schema.org/NewsArticle">
<h1 itemprop="headline">Night trains to link Lyon and Vienna</h1>
<p class="byline">By <span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Pierre
Dubois</span></span> and <span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Anna
Weber</span></span></p>
<time pubdate datetime="2025-03-26T18:30:00+01:00" itemprop="datePublished">26 March 2025, 18:30 CET</time>
<div itemprop="articleBody">{_p(TRAINS)}</div>
<span itemprop="publisher" itemscope itemtype="https://schema.org/Organization"><meta itemprop="name" content="Rail Dispatch"></span>
</div>
<section id="comments"><h2>Comments (12)</h2><div class="comment"><p>Finally! I will take the train instead of flying
every time from now on, what a fantastic piece of news for travellers.</p></div></section>
</body></html>""",
    "paragraphs": TRAINS,
    "boilerplate": ["Latest", "Strike called off", "Comments", "Finally!"],
    "fields": {"outlet": "Rail Dispatch", "title": "Night trains to link Lyon and Vienna",
               "author": "Pierre Dubois; Anna Weber", "published": "2025-03-26T18:30:00+01:00",
               "url": "https://www.rail-dispatch.example/europe/night-trains-lyon-vienna?ref=home"},
    "evidence": {"outlet": 'microdata itemprop="publisher"', "title": 'microdata itemprop="headline"',
                 "author": '<meta name="byl">; the same in microdata itemprop="author"',
                 "published": 'microdata itemprop="datePublished" (<time>)', "url": "SingleFile's 'url:' comment"},
    "retrieved": "2025-03-26T21:14:09+01:00",
}


# A Spanish-language article (written for the tests): the same story as BRIDGE, told as a Central American daily
# tells it, with the marks Spanish copy has (« », ¿...?, ¡...!, "Sr.", "EE.UU.", "a. m.", 40.000, 3,5).
PUENTE = [
    "El puente del puerto se abrió al tráfico el miércoles, tres años después del inicio de las obras y 18 meses"
    " más tarde de lo que había prometido el concejo municipal.",
    "\u00abEs un gran día para la ciudad\u00bb, dijo la alcaldesa Ana Ruiz, quien cortó la cinta a las 9 a. m."
    " mientras tocaba una banda. \u00bfValió la pena la espera? \u00a1Claro que sí!, respondió el Sr. Tomás Vega,"
    " vecino del barrio.",
    "La construcción costó 12 millones de dólares, según cifras del concejo, unos 3 millones más que el presupuesto"
    " original de 9 millones.",
    "Por el puente pasarán unos 40.000 vehículos al día, y el peaje subirá un 3,5 % el próximo año, anunció la"
    " empresa concesionaria.",
    "La obra contó con un préstamo de EE.UU. y empleó a más de 300 personas, entre ellas 238 trabajadores de la"
    " zona, que salieron de la prisión municipal en un programa de reinserción.",
]


def diario(paragraphs=PUENTE, lang=' lang="es-SV"', extra_head="", json_ld_language="es"):
    """A Central American daily in Spanish: <html lang="es-SV">, og:locale es_SV, JSON-LD NewsArticle with
    inLanguage, a cookie notice, a menu, related stories and a newsletter box in Spanish, a footer."""
    ld_data = {"@context": "https://schema.org", "@type": "NewsArticle",
               "headline": "Abre el puente del puerto tras años de retraso",
               "datePublished": "2025-03-27T10:15:00-06:00",
               "author": {"@type": "Person", "name": "María José Hernández"},
               "publisher": {"@type": "NewsMediaOrganization", "name": "Diario del Puerto"},
               "mainEntityOfPage": "https://www.diariodelpuerto.example/nacionales/abre-el-puente/"}
    if json_ld_language:
        ld_data["inLanguage"] = json_ld_language
    body = _p(paragraphs[:2]) + """
<aside class="related"><h3>Te puede interesar</h3><ul><li><a href="/a">El concejo aprueba el presupuesto</a></li>
<li><a href="/b">Cierran el ferri en mayo</a></li></ul></aside>
""" + _p(paragraphs[2:3]) + """
<div class="newsletter"><h4>Suscríbete a nuestro boletín</h4><p>Recibe cada mañana las noticias más importantes
en tu correo.</p></div>
""" + _p(paragraphs[3:])
    og_locale = '<meta property="og:locale" content="es_SV">' if lang else ""
    return f"""<!DOCTYPE html>
<html{lang}><head><meta charset="utf-8">
<title>Abre el puente del puerto tras años de retraso | Diario del Puerto</title>
<link rel="canonical" href="https://www.diariodelpuerto.example/nacionales/abre-el-puente/">
<meta property="og:site_name" content="Diario del Puerto">
{og_locale}
{ld(ld_data)}
{extra_head}
</head><body>
<div class="cookie-banner">Utilizamos cookies para mejorar su experiencia. <button>Aceptar</button></div>
<header><nav class="menu"><ul><li><a href="/nacionales">Nacionales</a></li><li><a href="/deportes">Deportes</a></li>
<li><a href="/opinion">Opinión</a></li></ul></nav></header>
<main><article>
<h1>Abre el puente del puerto tras años de retraso</h1>
<div class="byline">Por María José Hernández</div>
<div class="article-body">
{body}
</div></article></main>
<footer><p>\u00a9 2025 Diario del Puerto. Todos los derechos reservados.</p></footer>
</body></html>"""
