"""The schedule pages of one conference, under /c/<code>/ (see conference/urls.py)."""

from django.urls import path

from logistics import views

urlpatterns = [
    path("board/", views.schedule_board, name="board"),
    path("runsheet/<str:callsign>/<str:day>/", views.run_sheet, name="runsheet"),
]
