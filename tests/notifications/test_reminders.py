"""Review reminders: each team hears once about each accepted decision whose review date has
passed or is within 14 days, and again only when the date is moved."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from decisions.models import Decision
from decisions.services import decision_approve, decision_set_review_by
from notifications.models import ReviewReminder
from tests.decisions.conftest import make_decision
from tests.notifications.conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def _accepted(author, team, reviewer, review_in_days: int, title: str) -> Decision:
    decision = make_decision(author, team, status="proposed", title=title)
    decision_approve(decision=decision, actor=reviewer)
    review_by = timezone.localdate() + dt.timedelta(days=review_in_days)
    Decision.objects.filter(pk=decision.pk).update(review_by=review_by)
    return Decision.objects.get(pk=decision.pk)


def _remind() -> str:
    out = io.StringIO()
    call_command("send_review_reminders", stdout=out)
    run_worker()
    return out.getvalue()


def test_each_due_decision_is_reminded_once_and_again_when_its_date_moves(
    mail, alice, bob, charlie, rita
):
    team = alice.teams.get()
    soon = _accepted(alice, team, rita, 10, "Soon")
    overdue = _accepted(alice, None, rita, -3, "Overdue")
    _accepted(alice, team, rita, 20, "Later")
    draft = make_decision(alice, team, status="draft", title="Draft")
    Decision.objects.filter(pk=draft.pk).update(review_by=timezone.localdate())
    run_worker()
    mail.clear()

    first = _remind()
    assert "Reminded 2 decision(s)" in first
    assert sorted(mail.subjects()["alice"]) == [
        "ADR-0001 Soon: due for review",
        "ADR-0002 Overdue: due for review",
    ]
    assert mail.subjects()["bob"] == ["ADR-0001 Soon: due for review"]  # not on Overdue's team
    assert set(mail.subjects()) == {"alice", "bob"}
    overdue_mail = next(m for m in mail.to("alice") if "Overdue" in m["Subject"])
    assert "it is overdue" in overdue_mail.get_body(("plain",)).get_content()

    mail.clear()
    assert "Reminded 0 decision(s)" in _remind()
    assert mail.subjects() == {}

    # A reviewer moves Soon's date, still within 14 days: the team hears again, once.
    new_date = timezone.localdate() + dt.timedelta(days=12)
    decision_set_review_by(decision=soon, actor=rita, review_by=new_date, note="After the sale.")
    assert "ADR-0001 due" in _remind()
    _remind()
    assert mail.subjects() == {
        "alice": ["ADR-0001 Soon: due for review"],
        "bob": ["ADR-0001 Soon: due for review"],
    }
    assert list(
        ReviewReminder.objects.filter(decision=soon).values_list("review_by", flat=True)
    ) == [soon.review_by, new_date]
    assert ReviewReminder.objects.filter(decision=overdue).count() == 1


def test_a_decision_moved_past_the_horizon_is_not_reminded(mail, alice, rita):
    decision = _accepted(alice, None, rita, 30, "Far")
    run_worker()
    mail.clear()
    assert "Reminded 0" in _remind()

    later = timezone.localdate() + dt.timedelta(days=60)
    decision_set_review_by(decision=decision, actor=rita, review_by=later, note="Not yet.")
    _remind()

    assert mail.subjects() == {}


def test_the_worker_can_send_the_reminders_every_day(mail, alice, bob, rita):
    _accepted(alice, alice.teams.get(), rita, 1, "Tomorrow")
    run_worker()
    mail.clear()
    out = io.StringIO()
    call_command("send_review_reminders", "--daily-at", "07:00", stdout=out)
    call_command("send_review_reminders", "--daily-at", "07:00", stdout=out)

    daily = DBTaskResult.objects.filter(task_path="notifications.tasks.send_review_reminders_daily")
    [queued] = daily
    run_at = timezone.localtime(queued.run_after)
    assert (run_at.hour, run_at.minute) == (7, 0)
    assert run_at > timezone.localtime() and run_at - timezone.localtime() <= dt.timedelta(days=1)
    assert "already" in out.getvalue()

    # Its time comes: the worker reminds, and queues the next day's run.
    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now())
    run_worker()

    assert sorted(mail.subjects()) == ["alice", "bob"]
    done = daily.get(pk=queued.pk)
    assert (done.status, done.return_value) == ("SUCCESSFUL", 1)
    # The next run is at 07:00 again, however late this one ran: the schedule does not drift.
    [following] = daily.filter(status="READY")
    next_at = timezone.localtime(following.run_after)
    assert (next_at.hour, next_at.minute, next_at.second) == (7, 0, 0)
    assert dt.timedelta(0) < following.run_after - timezone.now() <= dt.timedelta(days=1)


def test_a_decision_that_cannot_be_reminded_is_logged_and_the_others_still_are(
    mail, caplog, monkeypatch, alice, rita
):
    import notifications.services

    broken = _accepted(alice, None, rita, 2, "Broken")
    _accepted(alice, None, rita, 3, "Fine")
    run_worker()
    mail.clear()
    real = notifications.services.review_due_message

    # One decision's message cannot be written (a fault put in for the test); the rest can.
    def failing(decision, review_by, today):
        if decision.pk == broken.pk:
            raise ValueError("this decision's reminder cannot be written")
        return real(decision, review_by, today)

    monkeypatch.setattr(notifications.services, "review_due_message", failing)

    assert "Reminded 1 decision(s)" in _remind()

    assert mail.subjects() == {"alice": ["ADR-0002 Fine: due for review"]}
    [logged] = [r for r in caplog.records if r.getMessage() == "Review reminder not sent"]
    assert logged.levelname == "ERROR" and logged.decision == broken.pk
    # Nothing is recorded for it, so the next run tries it again.
    assert not ReviewReminder.objects.filter(decision=broken).exists()
    monkeypatch.undo()
    assert "Reminded 1 decision(s)" in _remind()
    assert mail.subjects()["alice"][-1] == "ADR-0001 Broken: due for review"


def test_a_daily_run_that_fails_still_queues_the_next_one(mail, monkeypatch):
    import notifications.services

    call_command("send_review_reminders", "--daily-at", "06:30", stdout=io.StringIO())
    daily = DBTaskResult.objects.filter(task_path="notifications.tasks.send_review_reminders_daily")
    daily.update(run_after=timezone.now())

    # The database query behind the reminders fails (a fault put in for the test).
    def unreachable(today):
        raise OSError("the database went away")

    monkeypatch.setattr(notifications.services, "reminders_due", unreachable)
    run_worker()

    assert daily.get(status="FAILED")
    [following] = daily.filter(status="READY")
    next_at = timezone.localtime(following.run_after)
    assert (next_at.hour, next_at.minute) == (6, 30)


def test_reminders_long_overdue_can_be_recorded_as_sent_without_sending(mail, alice, rita):
    _accepted(alice, None, rita, -400, "Long overdue")
    _accepted(alice, None, rita, -1, "Due yesterday")
    _accepted(alice, None, rita, 5, "Soon")
    run_worker()
    mail.clear()
    cutoff = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    out = io.StringIO()

    call_command("send_review_reminders", "--mark-sent-before", cutoff, stdout=out)
    run_worker()

    assert "Recorded 1 reminder(s) as sent" in out.getvalue()
    assert mail.subjects() == {}
    # The next real run reminds only of what was not marked.
    assert "Reminded 2 decision(s)" in _remind()
    assert sorted(mail.subjects()["alice"]) == [
        "ADR-0002 Due yesterday: due for review",
        "ADR-0003 Soon: due for review",
    ]
    with pytest.raises(CommandError, match="takes a date"):
        call_command("send_review_reminders", "--mark-sent-before", "last week")
