from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "palabre.territory"
    label = "territory"
