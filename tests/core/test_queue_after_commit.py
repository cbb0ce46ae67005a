"""core.services.background.queue_after_commit: a task queued once the transaction commits, or
without a worker its work run outside the request; a broker refusing it fails nothing."""

from __future__ import annotations

import logging

import pytest

from core.services.background import queue_after_commit

pytestmark = pytest.mark.django_db


class FakeTask:
    def __init__(self, refuse: bool = False) -> None:
        self.sent: list[tuple[object, ...]] = []
        self.refuse = refuse

    def delay(self, *args: object) -> None:
        if self.refuse:
            raise ConnectionError("broker down")
        self.sent.append(args)


def test_with_a_worker_the_task_is_queued_only_when_the_transaction_commits(
    settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    task, ran = FakeTask(), []
    with django_capture_on_commit_callbacks(execute=True):
        queue_after_commit("thing", task, 7, 8, eager=lambda: ran.append("eager"))
        assert task.sent == []  # not before the commit
    assert task.sent == [(7, 8)]
    assert ran == []


def test_without_a_worker_the_work_runs_instead_of_the_task(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    task, ran = FakeTask(), []
    with django_capture_on_commit_callbacks(execute=True):
        queue_after_commit("thing", task, 7, eager=lambda: ran.append("eager"))
        assert ran == []
    assert ran == ["eager"]  # BACKGROUND_THREADS is off in the tests: run at once
    assert task.sent == []


def test_a_broker_refusing_the_task_is_logged_not_raised(settings, django_capture_on_commit_callbacks, caplog):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        queue_after_commit("thing", FakeTask(refuse=True), 7, eager=lambda: None)
    assert "could not queue thing (7,)" in caplog.text
