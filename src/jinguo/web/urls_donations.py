"""Donations (捐赠): gifts and their receipts, donors, campaigns, charity places and their stock,
aid out, hand-overs — and the public transparency page (公示), which needs no sign-in."""

from django.urls import path

from jinguo.web.views import donations

urlpatterns = [
    path("donations/", donations.donation_index, name="donation_index"),
    path("donations/new/", donations.donation_receive, name="donation_receive"),
    path("donations/<int:donation_id>/", donations.donation_receipt, name="donation_receipt"),
    path("donations/donors/", donations.donor_index, name="donor_index"),
    path("donations/donors/new/", donations.donor_create, name="donor_create"),
    path("donations/donors/<int:donor_id>/", donations.donor_detail, name="donor_detail"),
    path("donations/campaigns/", donations.campaign_index, name="campaign_index"),
    path("donations/campaigns/new/", donations.campaign_create, name="campaign_create"),
    path(
        "donations/campaigns/<int:campaign_id>/",
        donations.campaign_detail,
        name="campaign_detail",
    ),
    path("donations/places/", donations.place_index, name="place_index"),
    path("donations/places/new/", donations.place_open, name="place_open"),
    path("donations/places/<int:place_id>/", donations.place_stock, name="place_stock"),
    path(
        "donations/places/<int:place_id>/stocktake/",
        donations.stocktake_record,
        name="stocktake_record",
    ),
    path(
        "donations/places/<int:place_id>/stocktakes/",
        donations.stocktake_history,
        name="stocktake_history",
    ),
    path("donations/aid/", donations.disbursement_index, name="disbursement_index"),
    path("donations/aid/new/", donations.disburse, name="disburse"),
    path("donations/aid/list/", donations.disburse_list, name="disburse_list"),
    path("donations/handovers/", donations.handover_index, name="handover_index"),
    path("donations/handovers/new/", donations.handover_record, name="handover_record"),
    path(
        "donations/handovers/<int:handover_id>/document/",
        donations.handover_document,
        name="handover_document",
    ),
    # The public page: totals only, no sign-in.
    path("public/", donations.public_index, name="public_index"),
    path("public/campaigns/<int:campaign_id>/", donations.public_campaign, name="public_campaign"),
    path("public/places/<int:place_id>/", donations.public_place, name="public_place"),
]
