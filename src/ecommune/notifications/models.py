"""The outbox: every email and SMS, written in the transaction that causes it, sent by a task."""
