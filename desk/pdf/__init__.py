"""Text in Desk's PDFs: the fonts per script, found on the system, and user text made ready
to set (cleaned, escaped, shaped, split into runs per font). Slips, tags, receipts, the
SLA report and the post-incident report all use it; the window takes its font list from
it too, so a name that prints also shows."""
