"""Budgeting reads spanning models, one module per topic."""
