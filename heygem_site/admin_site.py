"""The operators' admin: branded, and refusing input PostgreSQL cannot store or search."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseBadRequest


def _has_nul(querydict) -> bool:
    return any("\x00" in value for values in querydict.lists() for value in values[1])


class HeyGemAdminSite(admin.AdminSite):
    site_header = "HeyGem Studio operations"
    site_title = "HeyGem Studio admin"
    index_title = "Jobs, GPU slots, voices and webhooks"
    site_url = "/jobs/"

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)

        def refuse_nul(request, *args, **kwargs):
            # PostgreSQL text cannot hold NUL: a %00 in a filter or search would
            # be a database error (500) deep in the changelist, so say so here.
            if _has_nul(request.GET) or _has_nul(request.POST):
                return HttpResponseBadRequest(
                    "A value in the request contains a NUL character (%00); remove it."
                )
            return wrapped(request, *args, **kwargs)

        return refuse_nul


class HeyGemAdminConfig(AdminConfig):
    default_site = "heygem_site.admin_site.HeyGemAdminSite"
