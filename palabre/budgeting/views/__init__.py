"""Budgeting pages, one module per topic; each module lists its `routes` (see urls.py)."""
