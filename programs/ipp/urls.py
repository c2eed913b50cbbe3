"""IPP pages, under /ipp/."""

app_name = "ipp"

urlpatterns: list = []  # type: ignore[type-arg]
