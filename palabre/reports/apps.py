from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "palabre.reports"
    label = "reports"
