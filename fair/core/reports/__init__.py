"""Reports: one way for participants to report content anywhere in the fair, one review queue."""
