"""Instagram Graph API (Business Discovery) connector against a fake API (no network)."""

from __future__ import annotations

import datetime as dt

import pytest
import responses

from core.errors import InputError
from influencers.connectors import (
    AccountNotFound,
    AccountRef,
    ConnectorAuthError,
    ConnectorNotConfigured,
    ConnectorUnavailable,
    MalformedResponse,
)
from influencers.connectors.instagram import InstagramConnector, parse_username
from influencers.models import PostType
from tests.influencers.connector_fakes import (
    GRAPH,
    IG_BUSINESS_ID,
    IG_INVALID_PARAM,
    IG_PERMISSION_10,
    IG_PERMISSION_200,
    IG_RATE_LIMIT,
    IG_TOKEN,
    IG_TOKEN_EXPIRED,
    FakeInstagram,
    IgMedia,
    IgUser,
    default_media,
    query,
)

DISCOVERY_URL = f"{GRAPH}/{IG_BUSINESS_ID}"


def connector(**kwargs) -> InstagramConnector:
    return InstagramConnector(
        access_token=IG_TOKEN, business_account_id=IG_BUSINESS_ID, graph_version="v25.0", sleep=lambda s: None, **kwargs
    )


@pytest.mark.parametrize(
    "text, handle",
    [
        ("bluebottle", "bluebottle"),
        ("@BlueBottle", "bluebottle"),
        ("https://www.instagram.com/blue.bottle_co/", "blue.bottle_co"),
        ("instagram.com/bluebottle?hl=en", "bluebottle"),
    ],
)
def test_usernames_are_understood(text: str, handle: str) -> None:
    assert parse_username(text) == AccountRef(handle=handle)


@pytest.mark.parametrize("text", ["", "has space", "https://www.instagram.com/p/Cx12ab/", "x" * 31, "bad/name"])
def test_bad_usernames_are_input_errors(text: str) -> None:
    with pytest.raises(InputError):
        parse_username(text)


def test_missing_settings_are_named(settings) -> None:
    settings.INSTAGRAM_ACCESS_TOKEN = ""
    settings.INSTAGRAM_BUSINESS_ACCOUNT_ID = ""
    with pytest.raises(
        ConnectorNotConfigured, match="INSTAGRAM_ACCESS_TOKEN and INSTAGRAM_BUSINESS_ACCOUNT_ID not set"
    ):
        InstagramConnector()


@responses.activate
def test_fetch_reads_profile_and_media_across_cursor_pages() -> None:
    user = IgUser(media=default_media(5))
    user.media[1] = IgMedia(id="17858843269210009", media_type="VIDEO", product="REELS", seed=9)
    FakeInstagram(responses.mock, user, page_size=2)

    fetched = connector(max_posts=10).fetch(AccountRef(handle="bluebottle"))

    profile = fetched.profile
    assert profile.platform_user_id == "17841401441775531"
    assert profile.handle == "bluebottle"
    assert (profile.followers, profile.following, profile.posts_count) == (267_793, 12, 1205)
    assert profile.bio == "Coffee roaster · Oakland, CA"
    assert profile.external_url == "https://bluebottlecoffee.com/"
    # 5 media over 3 pages (2 + 2 + 1) following paging.cursors.after.
    assert [p.platform_post_id for p in fetched.posts] == [m.id for m in user.media]
    assert fetched.api_calls == len(responses.calls) == 3
    second_fields = query(responses.calls[1].request)["fields"]
    assert second_fields.startswith("business_discovery.username(bluebottle){media.after(QVFIU2)")
    assert query(responses.calls[0].request)["access_token"] == IG_TOKEN

    image = fetched.posts[0]
    assert image.post_type == PostType.IMAGE
    assert (image.likes, image.comments, image.views) == (1000, 40, None)
    assert image.posted_at == dt.datetime(2026, 2, 25, 18, 20, tzinfo=dt.UTC)
    assert image.image_url.startswith("https://scontent.cdninstagram.com/v/t51/")
    assert image.hashtags == ["coffee", "latteart"]
    assert image.comment_samples == ()  # Business Discovery exposes no comment texts
    reel = fetched.posts[1]
    assert reel.post_type == PostType.REEL
    assert reel.image_url == ""  # a video's media_url is the video file, not an image


@responses.activate
def test_max_posts_stops_paging() -> None:
    FakeInstagram(responses.mock, IgUser(media=default_media(7)), page_size=3)

    fetched = connector(max_posts=4, page_size=3).fetch(AccountRef(handle="bluebottle"))
    assert len(fetched.posts) == 4
    assert len(responses.calls) == 2
    assert ".limit(1)" in query(responses.calls[1].request)["fields"]


@responses.activate
def test_hidden_likes_are_zero() -> None:
    user = IgUser(media=[IgMedia(id="17858843269210001", likes=None)])
    FakeInstagram(responses.mock, user)
    assert connector().fetch(AccountRef(handle="bluebottle")).posts[0].likes == 0


@responses.activate
def test_expired_token_is_explained_without_leaking_it() -> None:
    responses.get(DISCOVERY_URL, status=400, json=IG_TOKEN_EXPIRED)

    with pytest.raises(
        ConnectorAuthError, match=r"token has expired \(long-lived tokens last 60 days\).*code 190/463"
    ) as info:
        connector().fetch(AccountRef(handle="bluebottle"))
    assert IG_TOKEN not in str(info.value)
    assert len(responses.calls) == 1


@pytest.mark.parametrize("body", [IG_PERMISSION_10, IG_PERMISSION_200])
@responses.activate
def test_permission_errors_name_the_permissions(body: dict) -> None:
    responses.get(DISCOVERY_URL, status=403, json=body)

    with pytest.raises(ConnectorAuthError, match="permission denied.*instagram_basic, instagram_manage_insights"):
        connector().fetch(AccountRef(handle="bluebottle"))


@responses.activate
def test_unknown_or_personal_account_is_not_found() -> None:
    FakeInstagram(responses.mock)  # knows nobody: 110 / 2207013 "Cannot find User"

    with pytest.raises(AccountNotFound, match="account not found.*code 110/2207013.*professional"):
        connector().fetch(AccountRef(handle="ghost_account"))


@responses.activate
def test_invalid_username_parameter_is_not_found() -> None:
    responses.get(DISCOVERY_URL, status=400, json=IG_INVALID_PARAM)

    with pytest.raises(AccountNotFound, match="invalid username or parameter.*code 100"):
        connector().fetch(AccountRef(handle="bluebottle"))


@responses.activate
def test_wrong_business_account_id_is_a_configuration_error() -> None:
    body = {
        "error": {
            "message": "Unsupported get request. Object with ID '17841405309211844' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation.",
            "type": "GraphMethodException",
            "code": 100,
            "error_subcode": 33,
            "fbtrace_id": "A1",
        }
    }
    responses.get(DISCOVERY_URL, status=400, json=body)

    with pytest.raises(ConnectorAuthError, match="INSTAGRAM_BUSINESS_ACCOUNT_ID does not exist"):
        connector().fetch(AccountRef(handle="bluebottle"))


@responses.activate
def test_rate_limit_and_5xx_are_retried() -> None:
    responses.get(DISCOVERY_URL, status=403, json=IG_RATE_LIMIT)
    responses.get(
        DISCOVERY_URL,
        status=500,
        json={"error": {"message": "An unknown error occurred", "code": 1, "type": "OAuthException"}},
    )
    FakeInstagram(responses.mock, IgUser(media=default_media(1)))
    sleeps: list[float] = []

    fetched = InstagramConnector(
        access_token=IG_TOKEN, business_account_id=IG_BUSINESS_ID, graph_version="v25.0", sleep=sleeps.append
    ).fetch(AccountRef(handle="bluebottle"))

    assert fetched.profile.followers == 267_793
    assert sleeps == [1.0, 2.0]


@responses.activate
def test_persistent_rate_limit_gives_up() -> None:
    for _ in range(4):
        responses.get(DISCOVERY_URL, status=400, json=IG_RATE_LIMIT)

    with pytest.raises(ConnectorUnavailable, match="rate-limited.*gave up after 4 attempts"):
        connector().fetch(AccountRef(handle="bluebottle"))


@responses.activate
def test_malformed_json_is_reported() -> None:
    responses.get(DISCOVERY_URL, body='{"business_discovery": {"followers_count": 12', status=200)

    with pytest.raises(MalformedResponse, match="instagram business_discovery: the response .* not valid JSON"):
        connector().fetch(AccountRef(handle="bluebottle"))


@responses.activate
def test_missing_followers_count_is_malformed() -> None:
    responses.get(
        DISCOVERY_URL, json={"business_discovery": {"id": "1784", "username": "bluebottle"}, "id": IG_BUSINESS_ID}
    )

    with pytest.raises(MalformedResponse, match="'business_discovery.followers_count' is missing"):
        connector().fetch(AccountRef(handle="bluebottle"))
