"""SLA alerts before the breach: a target's at-risk point and its breach are recorded at
the instant they happen (by whichever workstation holds the job, or by cron's ``desk sla
sweep``), and the escalation rule of the ticket's service and priority says who is told
and what else happens (a reassignment, a raised urgency). Each notification is kept and
shown on the ticket; the workstations of the people concerned show it on the desktop."""
