"""E-mail: what Desk tells customers, through a durable outbox, and (later) what they write back.

- ``events``: the events that send mail, their words and their placeholders.
- ``templates``: the shipped defaults (resources/mail) and supervisors' versions; filling them.
- ``notify``: writes a message into the outbox inside the event's own unit of work.
- ``compose``: an outbox row as an RFC 5322 message (headers built by ``email``).
- ``sender``: claims due messages, delivers them over SMTP, retries with back-off.
- ``config`` and ``credentials``: the shared settings (database) and the secrets (keyring).
- ``service``: what the CLI and the UI ask.
"""
