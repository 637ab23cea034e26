"""Accounts: registration, logins (server-side, revocable), roles and the access helpers."""
