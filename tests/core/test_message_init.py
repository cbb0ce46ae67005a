"""`Message.__init__`, written out (it sets the frozen fields in the instance's dict, as the
dataclass's own does, without an object.__setattr__ per field): a message made by it behaves as
one made by the generated __init__ did — its own empty params by default, the given dict kept,
frozen, equal, printed, copied, pickled, replaced and stored alike."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import orjson
import pytest

from core.messages import Message
from core.stored_json import stored_json


def test_params_default_to_a_dict_of_each_message_and_a_given_one_is_kept():
    first, second = Message("test.init"), Message("test.init")
    assert first.params == {} and first.params is not second.params
    params = {"n": 1}
    assert Message("test.init", params).params is params
    assert Message(code="test.init", params=params).params is params


def test_it_is_frozen_and_a_dataclass_of_its_two_fields():
    message = Message("test.init", {"n": 1})
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.code = "other"  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(Message)] == ["code", "params"]
    assert list(vars(message)) == ["code", "params"]
    assert repr(message) == "Message(code='test.init', params={'n': 1})"
    assert message == Message("test.init", {"n": 1}) and message != Message("test.init", {"n": 2})
    assert dataclasses.asdict(message) == {"code": "test.init", "params": {"n": 1}}
    assert dataclasses.replace(message, code="test.other") == Message("test.other", {"n": 1})


def test_copies_pickles_and_json_are_those_of_the_same_message():
    message = Message("test.init", {"n": 1, "items": [Message("test.inner").as_dict()]})
    for again in (copy.copy(message), copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert again == message and type(again) is Message
    assert stored_json(message) == orjson.dumps(message.as_dict()).decode()
