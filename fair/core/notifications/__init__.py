"""In-app notifications: made from committed events by one durable consumer, read on a page."""
