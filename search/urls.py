from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.site_search, name="site_search"),
]
