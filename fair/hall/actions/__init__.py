"""Hall actions: each changes state and records its events in one transaction."""
