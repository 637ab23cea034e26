"""Outgoing mail: the outbox, its senders and the job that sends what is due."""
