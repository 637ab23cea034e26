"""The fair: a virtual fair and discussion platform."""
