"""Problem records in the workstation: the Problems view's list and the problem tab."""
