"""Themed discussion rounds: themes hold discussions, run by moderators in dated rounds."""
