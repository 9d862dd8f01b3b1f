"""Budgeting services, one module per topic: import from the module (e.g. services.voting)."""
