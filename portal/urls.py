from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal import views
from portal.accounts import views as account_views
from portal.ops import health

admin.site.site_header = "WQIP Portal administration"
admin.site.site_title = "WQIP Portal admin"
# admins sign in through allauth, so the admin login also goes through MFA and django-axes
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


urlpatterns = [
    path("", include("portal.portal_urls")),
    path("work/", include("portal.cases.urls")),
    path("inquiries/", include("portal.inquiries.urls")),
    path("payments/", include("payments.urls")),
    path("disputes/", include("disputes.urls")),
    path("", include("programs.wqip.urls")),
    path("", include("programs.qaf.urls")),
    path("ecm/", include("programs.ecm.urls")),
    path("ipp/", include("programs.ipp.urls")),
    # before allauth's URLs, so this view answers (and reverses) as account_email
    path("accounts/email/", account_views.email_managed_by_admin, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error
