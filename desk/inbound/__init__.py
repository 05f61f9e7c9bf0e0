"""Mail customers write to the desk: fetched over IMAP (``imap``), read (``parse``), and
turned into a reply on its ticket or a new ticket (``service``)."""
