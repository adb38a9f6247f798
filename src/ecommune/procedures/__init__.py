"""Procedures a commune designs in the back office, without code: each published version
is a service on the kit's ``Service`` contract, found by the registry for its commune."""
