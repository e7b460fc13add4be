from django.urls import include, path

from jinguo.api.urls import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("jinguo.web.urls")),
]
