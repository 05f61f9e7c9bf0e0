"""Knowledge articles (``service``; the handout is desk.printing.handout)."""
