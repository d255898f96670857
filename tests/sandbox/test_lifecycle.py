"""Record lifecycles through the generated client, logged in by the real broker.

These drive the sandbox the way a Python program would: SprinklrClient for the
calls, TokenBroker and the unattended login for the tokens.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from sprinklr_generated import models
from sprinklr_generated.protocol import FileUpload
from sprinklr_mcp.auth.broker import TokenBroker
from sprinklr_mcp.auth.login import login_unattended
from sprinklr_mcp.client import SprinklrClient
from sprinklr_mcp.config import ConnectionSettings
from sprinklr_mcp.errors import BadRequestError, ConflictError, NotFoundError
from sprinklr_mcp.sandbox import SandboxServer

sys.path.insert(0, str(Path(__file__).parent))

from operation_calls import PNG_BYTES
from sandbox_helpers import make_config


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[tuple[SprinklrClient, SandboxServer]]:
    async with SandboxServer(make_config()) as sandbox:
        settings = ConnectionSettings(
            name="sandbox-lifecycle",
            environment=sandbox.environment,
            base_url=sandbox.url,
            api_key=sandbox.api_key,
            api_secret=SecretStr(sandbox.api_secret),
            redirect_uri=sandbox.redirect_uri,
            data_dir=tmp_path,
            rate_limit_per_second=10_000.0,
            rate_limit_per_hour=10_000_000,
        )
        async with TokenBroker(settings) as broker:
            await login_unattended(settings, broker.store)
            async with SprinklrClient(settings, token_provider=broker) as opened:
                yield opened, sandbox


def first_loose_message(sandbox: SandboxServer) -> str:
    return next(
        message_id
        for message_id, message in sandbox.state.messages.items()
        if "associatedCaseNumber" not in message
    )


async def test_case_lifecycle(client: tuple[SprinklrClient, SandboxServer]) -> None:
    sprinklr, sandbox = client
    message_id = first_loose_message(sandbox)

    created = await sprinklr.create_case(
        body=models.CaseCreateRequest(
            first_message_id=message_id,
            subject="Parcel never arrived",
            workflow=models.Workflow(
                custom_properties={
                    "spr_uc_priority": ["High"],
                    "spr_uc_status": ["New"],
                }
            ),
        )
    )
    assert created.id is not None and len(created.id) == 24
    assert created.case_number is not None
    assert created.version == 0
    assert created.status == "New"
    assert created.priority == "High"
    assert created.first_message_id == message_id

    by_id = await sprinklr.get_case_by_id(created.id)
    assert by_id.case_number == created.case_number
    by_number = await sprinklr.get_case_by_number(case_number=created.case_number)
    assert not isinstance(by_number, list)
    assert by_number.id == created.id
    assert await sprinklr.get_case_message_ids(case_id=created.id) == [message_id]

    search = await sprinklr.search_cases(
        body=models.SearchRequest.model_validate(
            {
                "filter": {
                    "type": "IN",
                    "key": "caseNumber",
                    "values": [str(created.case_number)],
                }
            }
        )
    )
    assert [case.id for case in search.results or []] == [created.id]

    comment = await sprinklr.add_comment(
        "CASE",
        str(created.case_number),
        body=models.CommentRequest(text="Called the courier"),
    )
    assert comment.entity_id == str(created.case_number)
    assert comment.text == "Called the courier"
    comments = await sprinklr.get_comments(
        body=models.SearchRequest.model_validate(
            {
                "filter": {
                    "type": "AND",
                    "filters": [
                        {
                            "type": "IN",
                            "key": "entityType",
                            "values": ["UNIVERSAL_CASE"],
                        },
                        {
                            "type": "IN",
                            "key": "entityId",
                            "values": [str(created.case_number)],
                        },
                    ],
                }
            }
        )
    )
    assert [item.id for item in comments.results or []] == [comment.id]

    updated = await sprinklr.update_case(
        body=models.CaseUpdateRequest(
            case_ids=[created.id],
            update_actions=["EDIT_SUBJECT", "SYNC_SELECTED_PROPERTIES"],
            subject="Parcel found",
            synced_selected_custom_properties={"spr_uc_status": ["Closed"]},
            version=0,
        )
    )
    assert len(updated) == 1
    assert updated[0].subject == "Parcel found"
    assert updated[0].status == "Closed"
    assert updated[0].version == 1

    with pytest.raises(ConflictError):
        await sprinklr.update_case(
            body=models.CaseUpdateRequest(
                case_ids=[created.id],
                update_actions=["EDIT_SUBJECT"],
                subject="Stale write",
                version=0,
            )
        )
    assert (await sprinklr.get_case_by_id(created.id)).subject == "Parcel found"

    await sprinklr.delete_cases_by_id(body=[created.id])
    with pytest.raises(NotFoundError):
        await sprinklr.get_case_by_id(created.id)
    with pytest.raises(NotFoundError):
        await sprinklr.get_case_by_number(case_number=created.case_number)
    with pytest.raises(BadRequestError):
        await sprinklr.delete_cases_by_id(body=[created.id])


async def test_delete_by_number_then_read_is_404(
    client: tuple[SprinklrClient, SandboxServer],
) -> None:
    sprinklr, sandbox = client
    case = next(iter(sandbox.state.cases.values()))

    await sprinklr.delete_cases_by_number(body=[str(case["caseNumber"])])

    with pytest.raises(NotFoundError):
        await sprinklr.get_case_by_number(case_number=case["caseNumber"])


async def test_profile_lifecycle(client: tuple[SprinklrClient, SandboxServer]) -> None:
    sprinklr, _ = client
    created = await sprinklr.create_profile(
        body=models.ProfileUpsertRequest.model_validate(
            {
                "contact": {"firstName": "Robin", "lastName": "Sample"},
                "profiles": [
                    {
                        "name": "Robin Sample",
                        "channelType": "TWITTER",
                        "channelId": "1700000000000000001",
                        "username": "robin_sample_test",
                    }
                ],
            }
        )
    )
    assert created.id is not None

    updated_id = await sprinklr.update_profile(
        body=models.ProfilePartialUpdateRequest.model_validate(
            {
                "id": created.id,
                "profileUpdateRequestDTO": {"contactInfo": {"phoneNo": "+12025550197"}},
                "profileWorkflowUpdateRequestDTO": {
                    "partnerCustomPropertiesAdded": {"_c_tier": ["gold"]}
                },
            }
        )
    )
    assert updated_id == created.id

    by_id = await sprinklr.get_profile_by_id(created.id)
    by_channel = await sprinklr.get_profile_by_channel_user_id(
        channel_type="TWITTER", channel_user_id="1700000000000000001"
    )
    by_username = await sprinklr.get_profile_by_username(
        channel_type="TWITTER", user_name="Robin_Sample_Test"
    )
    for found in (by_id, by_channel, by_username):
        assert found.id == created.id
        assert found.contact is not None
        assert found.contact.phone_no == "+12025550197"
    assert by_id.profile_workflow is not None
    assert by_id.profile_workflow.custom_properties == {"_c_tier": ["gold"]}


async def test_profile_case_is_listed_for_profile(
    client: tuple[SprinklrClient, SandboxServer],
) -> None:
    sprinklr, sandbox = client
    case = await sprinklr.create_case_via_profile(
        body=models.ProfileCaseCreateRequest.model_validate(
            {
                "channelType": "SMS",
                "contactInfo": {"phoneNo": "+12025550196", "fullName": "Quinn Example"},
                "subject": "Callback request",
            }
        )
    )
    profile = sandbox.state.find_profile_by_channel("SMS", "+12025550196")
    assert profile is not None

    listed = await sprinklr.list_profile_cases(profile["id"])

    assert [item.id for item in listed] == [case.id]


async def test_media_upload_then_publish_and_comment(
    client: tuple[SprinklrClient, SandboxServer],
    session: Any,
) -> None:
    sprinklr, sandbox = client
    media = await sprinklr.upload_media(
        asset_type="IMAGE",
        file_name="pixel.png",
        file=FileUpload(
            filename="pixel.png", content=PNG_BYTES, content_type="image/png"
        ),
    )
    assert media.url is not None and media.url.startswith(sandbox.url)
    assert (media.width, media.height) == (1, 1)
    assert media.size == len(PNG_BYTES)

    async with session.get(media.url) as served:
        assert served.status == 200
        assert await served.read() == PNG_BYTES

    post_ids = await sprinklr.publish_message(
        body=models.PublishRequest.model_validate(
            {
                "accountIds": [600000101],
                "content": {
                    "text": "New arrivals",
                    "attachment": {"type": "IMAGE", "url": media.url},
                },
                "taxonomy": {"campaignId": sandbox.state.default_campaign_id},
            }
        )
    )
    assert len(post_ids) == 1
    assert post_ids[0].startswith("POST_")

    case = next(iter(sandbox.state.cases.values()))
    comment = await sprinklr.add_comment(
        "CASE",
        str(case["caseNumber"]),
        body=models.CommentRequest.model_validate(
            {"text": "Photo", "attachment": {"type": "IMAGE", "url": media.url}}
        ),
    )
    assert comment.attachment is not None
    assert comment.attachment.url == media.url


async def test_publish_rejects_unknown_sandbox_media(
    client: tuple[SprinklrClient, SandboxServer],
) -> None:
    sprinklr, sandbox = client
    missing = f"{sandbox.url}/media/{'0' * 24}/nothing.png"

    with pytest.raises(BadRequestError) as raised:
        await sprinklr.publish_message(
            body=models.PublishRequest.model_validate(
                {
                    "accountIds": [600000101],
                    "content": {
                        "text": "Broken",
                        "attachment": {"type": "IMAGE", "url": missing},
                    },
                }
            )
        )

    assert "content.attachment.url" in str(raised.value)
