from django.urls import path

from . import feeds, views

app_name = "publication"

urlpatterns = [
    path("results/", views.results_list, name="list"),
    path("results/feed/", feeds.OutcomeFeed(), name="feed_rss"),
    path("results/feed/atom/", feeds.OutcomeAtomFeed(), name="feed_atom"),
    path("results/<id:pk>/", views.outcome_detail, name="detail"),
    path("results/notices/<id:pk>/", views.naming_notice, name="notice"),
    # office publication desk
    path("office/results/", views.office_list, name="office_list"),
    path("office/results/<id:pk>/", views.office_preview, name="office_preview"),
    path("office/results/<id:pk>/unpublish/", views.office_unpublish, name="office_unpublish"),
]
