"""The `desk` command line: scripts and cron use the same services as the window."""
