"""The request engine: one request per procedure filed, its reference, status and history."""
