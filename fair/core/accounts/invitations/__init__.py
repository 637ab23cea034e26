"""Invitations: organisers invite people by e-mail; a signed link makes the account with a role."""
