"""The fair itself (name, dates, description) and its home page with the live online count."""
