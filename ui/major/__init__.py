"""The major-incident window: a panel per major incident and the board of open major
incidents and surge proposals (installed into the main window by ``ui.major.install``)."""
