"""Live Q&A panels: participants ask and upvote, moderators curate, panelists answer."""
