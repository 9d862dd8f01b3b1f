"""Budgeting forms, one module per topic."""
