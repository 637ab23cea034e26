"""The platform core: settings, database, event log, bus, live endpoint, accounts and pages."""
