"""A throw-away feature outside `fair/`: a notice board (tests/test_new_feature.py runs it).

It is the walkthrough of ARCHITECTURE.md, "Adding a feature", as code: a table and its
migration, a settings section, a command, an event, a channel rule and a job.
"""
