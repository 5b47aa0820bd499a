#!/usr/bin/env python3
"""Write the example court filing of this repository's story: a PDF in the shape of a federal court's
filing, made by this project because the court's own documents could not be obtained here.

    python scripts/make_example_filing.py /tmp/example-filing.pdf
    timeline add-source /tmp/example-filing.pdf --id example-filing-boasberg-order

It is NOT the court's document, and says so on every page and in its title: its words are this
project's, summarising what the story's news articles report of the order of 15 March 2025 (the
docket number of the case, J.G.G. v. Trump, is public). It shows what a PDF source looks like on the
site: its pages, a citation by page, the filing stamp taken off every page. Replace it with the
court's own PDF (CourtListener's RECAP archive holds the docket) when one can be had. Written with
reportlab (a test dependency); `invariant` keeps the bytes the same on every run.
"""
import sys

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

STAMP = "Case 1:25-cv-00766-JEB   Document 0   Filed 03/15/25   Page {n} of {total}   (EXAMPLE - NOT A COURT DOCUMENT)"
PAGES = [
    ["UNITED STATES DISTRICT COURT", "FOR THE DISTRICT OF COLUMBIA", "",
     "J.G.G., et al., Plaintiffs, v. DONALD J. TRUMP, et al., Defendants.", "",
     "EXAMPLE OF AN ORDER (NOT THE COURT'S DOCUMENT)", "",
     "    This page was written by the timeline project as an example of a court filing. It is not",
     "the order of the Court, and no word of it is the Court's. It stands in for the Court's own",
     "document, which could not be obtained where this example was made.",
     "",
     "    According to the news articles of this story, on March 15, 2025, Judge James E.",
     "Boasberg ordered a temporary halt to the deportations of Venezuelans under the Alien",
     "Enemies Act of 1798."],
    ["    According to the same articles, the government's flights to El Salvador had already left",
     "when the order was given, and a judge is investigating whether the government defied the",
     "order. Read the Court's own order, not this example, before relying on any of it.", "",
     "EXAMPLE ONLY"],
]


def main(out):
    c = canvas.Canvas(out, pagesize=letter, invariant=1)
    c.setTitle("Example of an order (not the court's document): J.G.G. v. Trump, March 15, 2025")
    c.setAuthor("timeline project (example)")
    for n, lines in enumerate(PAGES, 1):
        c.setFont("Helvetica", 8)
        c.drawString(72, 760, STAMP.format(n=n, total=len(PAGES)))
        c.setFont("Times-Roman", 12)
        y = 700
        for line in lines:
            if line.strip():
                c.drawString(108 if line.startswith("    ") else 72, y, line.strip())
            y -= 24
        c.drawCentredString(306, 40, str(n))
        c.showPage()
    c.save()


if __name__ == "__main__":
    main(sys.argv[1])
