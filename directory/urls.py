from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("directory/", views.directory_list, name="list"),
    path("directory/<int:listing_id>/logo/", views.directory_logo, name="logo"),
    path("directory/request-partnership/", views.request_to_partner, name="request"),
    path("company-profile/directory-listing/", views.listing_edit, name="listing"),
    path("company-profile/directory-listing/logo/", views.listing_logo, name="listing_logo"),
]
