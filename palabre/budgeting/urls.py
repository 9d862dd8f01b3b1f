"""Participatory-budgeting pages under /<commune-slug>/budget/: each views module lists its routes."""

from palabre.budgeting.views import cycles, ideas, paper, results, review, voting

app_name = "budgeting"
urlpatterns = [
    *cycles.routes,
    *ideas.routes,
    *review.routes,
    *voting.routes,
    *paper.routes,
    *results.routes,
]
