from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("submit/", views.submit, name="submit"),
    path("submit/<str:key>/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.rate, name="rate"),
    path("track/re-review/", views.rereview, name="rereview"),
    path("track/act/<slug:action>/", views.act, name="act"),
    path("track/leave/", views.leave, name="leave"),
    path("announcements/", views.announcements, name="announcements"),
]
