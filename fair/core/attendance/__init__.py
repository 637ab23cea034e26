"""Attendance (built in): who came, from where, each day, and how many were online."""
