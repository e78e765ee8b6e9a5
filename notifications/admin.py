"""What was sent to whom, and which reminders were given: shown, never changed by hand (the
rows are the record). Feed tokens are not listed: each is a secret of its owner."""

from __future__ import annotations

from django.contrib import admin

from decisions.admin import ReadOnlyAdmin
from notifications.models import Delivery, ReviewReminder


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin[Delivery]):
    list_display = ["created_at", "kind", "channel", "address", "decision", "attempts", "sent_at"]
    list_filter = ["kind", "channel"]
    search_fields = ["address", "subject", "last_error"]
    list_select_related = ["decision"]
    date_hierarchy = "created_at"


@admin.register(ReviewReminder)
class ReviewReminderAdmin(ReadOnlyAdmin[ReviewReminder]):
    list_display = ["decision", "review_by", "created_at"]
    list_select_related = ["decision"]
