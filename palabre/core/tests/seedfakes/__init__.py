"""Fake apps for the seed_demo tests: each demo.seed notes that it ran."""

calls: list[str] = []
