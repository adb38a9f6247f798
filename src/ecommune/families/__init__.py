"""Families: households, legal guardians, children, invitations and the family space
(« Ma famille », under /famille/)."""
