"""Discussion actions: each changes state and records its events (and, for a moderator's or
organiser's action, its audit row) in one transaction. One module per area."""
