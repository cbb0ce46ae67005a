"""core.services.collector.collector_paused: the cyclic collector is off inside the block and as
it was after it, also when the block raises."""

from __future__ import annotations

import gc

import pytest

from core.services.collector import collector_paused


@pytest.fixture
def collector_state():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_off_inside_on_again_after(collector_state):
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_caller_that_had_turned_it_off_keeps_it_off(collector_state):
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_restored_when_the_block_raises(collector_state):
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("import failed")
    assert gc.isenabled()
