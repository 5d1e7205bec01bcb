"""Webhooks: partners' registrations, events from the event core delivered with Standard Webhooks
signatures, retried by Celery, logged, redelivered (issue 12, section 4)."""
