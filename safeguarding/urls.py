app_name = "safeguarding"

urlpatterns: list = []
