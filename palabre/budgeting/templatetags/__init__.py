"""Template filters of the budgeting pages."""
