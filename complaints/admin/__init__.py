"""The complaint workbench inside the Wagtail admin (issue 19): the case listings with filters
and bulk actions, the case page and one form and view per action (viewsets, listing, views,
actions, forms, filters, bulk). Registered in complaints/wagtail_hooks.py. Nothing is imported
here: Django's admin autodiscovery imports this package by name."""
