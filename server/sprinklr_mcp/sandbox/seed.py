"""The sandbox's starting data: a small tenant with invented people in it.

The same seed always builds the same data. Times are fixed (the weeks before
2026-01-01), so seeded records do not depend on when the sandbox starts.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from .config import Clock
from .ids import IdFactory, message_id
from .seed_text import AGENT_NAMES, ARTICLES, FIRST_NAMES, LAST_NAMES, TOPICS
from .state import Record, SandboxState

__all__ = ["SEED_COUNTS", "build_state"]

# 2026-01-01T00:00:00Z in epoch milliseconds; seeded events happen before it.
SEED_EPOCH_MS = 1_767_225_600_000
DAY_MS = 86_400_000

PARTNER_ID = 66000000
WORKSPACE_ID = 66000002
ME_ID = 66014640

PROFILE_COUNT = 36
CASE_COUNT = 30
VOICE_CASE_COUNT = 3
LOOSE_MESSAGE_COUNT = 8

# How many records of each kind the seed creates, for docs and tests.
SEED_COUNTS = {
    "profiles": PROFILE_COUNT,
    "cases": CASE_COUNT + VOICE_CASE_COUNT,
    "articles": len(ARTICLES),
}

# Brand accounts (the sandbox tenant's own social accounts): id, channel, name.
# 100099022, 100022 and 100122 are the account IDs in Sprinklr's deflection
# examples, kept so that those examples work unchanged.
ACCOUNTS: tuple[tuple[int, str, str], ...] = (
    (600000101, "TWITTER", "Example Outfitters Help"),
    (600000102, "FACEBOOK", "Example Outfitters"),
    (600000103, "INSTAGRAM", "exampleoutfitters"),
    (600000104, "EMAIL", "support@example.com"),
    (600000105, "SMS", "Example Outfitters SMS"),
    (100099022, "WHATSAPP_BUSINESS", "Example Outfitters WhatsApp"),
    (100022, "SPRINKLR_LIVE_CHAT", "Example Outfitters Web Chat"),
    (100122, "SMS", "Example Outfitters Deflection SMS"),
    (600000106, "SPRINKLR_VOICE", "Example Outfitters Phone Line"),
)

# Channel of each seeded customer, in rotation; and the message type codes for
# an inbound customer message and a brand reply on that channel.
CHANNELS = (
    "TWITTER",
    "FACEBOOK",
    "INSTAGRAM",
    "EMAIL",
    "SMS",
    "WHATSAPP_BUSINESS",
    "SPRINKLR_LIVE_CHAT",
)
MESSAGE_TYPES = {
    "TWITTER": (5, 7),
    "FACEBOOK": (38, 97),
    "INSTAGRAM": (320, 320),
    "EMAIL": (175, 175),
    "SMS": (220, 220),
    "WHATSAPP_BUSINESS": (316, 316),
    "SPRINKLR_LIVE_CHAT": (313, 313),
}
STATUSES = ("New", "Open", "Assigned", "In Progress", "Pending", "Closed")
PRIORITIES = ("Low", "Medium", "High", "Urgent")
QUEUES = (103197, 103198, 103199)
COUNTRIES = ("us", "gb", "ca", "au", "ie", "nz")

# Deflection templates (SAM asset IDs). The first two are the asset IDs in
# Sprinklr's deflection examples.
ASSETS: tuple[tuple[str, str, str], ...] = (
    ("5e6f8c7d9bf510038b93c3ed", "WhatsApp follow-up template", "WHATSAPP_BUSINESS"),
    ("5e6f8c7d9bf51gfh57d3c3ed", "Live chat invitation link", "SPRINKLR_LIVE_CHAT"),
    ("65f0c1a2b3c4d5e6f7a8b9c0", "SMS order status link", "SMS"),
)


def build_state(seed: int, clock: Clock) -> SandboxState:
    """Build the seeded state; later IDs continue from the same generator."""
    ids = IdFactory(seed)
    state = SandboxState(ids=ids, clock=clock)

    _seed_users(state)
    _seed_accounts(state)
    profiles = [_make_profile(state, index) for index in range(PROFILE_COUNT)]
    for profile in profiles:
        state.profiles[profile["id"]] = profile
    for index in range(CASE_COUNT):
        _seed_case(state, index, profiles[index % PROFILE_COUNT])
    for index in range(VOICE_CASE_COUNT):
        _seed_voice_case(state, index, profiles[4 + 7 * index])
    for index in range(LOOSE_MESSAGE_COUNT):
        _seed_loose_message(state, index, profiles[(index * 5 + 3) % PROFILE_COUNT])
    _seed_profile_comments(state, profiles)
    _seed_articles(state)
    _seed_entities(state)
    _seed_campaigns(state)
    _seed_journeys(state)
    return state


def _seed_users(state: SandboxState) -> None:
    state.me = {
        "name": "Avery Sandbox",
        "customerId": PARTNER_ID,
        "id": ME_ID,
        "type": "PARTNER_ADMIN",
        "email": "sandbox.admin@example.com",
        "properties": {"_c_65b8a60cb6c96a319161e7c6": ["No"]},
        "workspaceId": WORKSPACE_ID,
    }
    state.users[ME_ID] = state.me
    for offset, name in enumerate(AGENT_NAMES, start=1):
        user_id = 66007900 + offset
        state.users[user_id] = {
            "id": user_id,
            "name": name,
            "email": f"agent{offset}@example.com",
            "type": "PARTNER_USER",
        }


def _seed_accounts(state: SandboxState) -> None:
    for account_id, channel_type, name in ACCOUNTS:
        state.accounts[account_id] = {
            "accountId": account_id,
            "channelType": channel_type,
            "name": name,
        }
    for asset_id, name, channel_type in ASSETS:
        state.assets[asset_id] = {
            "id": asset_id,
            "name": name,
            "channelType": channel_type,
        }


def fictional_phone(index: int) -> str:
    """Return a US number in 555-0100 to 555-0199, the range kept for fiction."""
    if not 0 <= index < 100:
        raise ValueError(f"only 100 fictional numbers exist, got index {index}")
    return f"+1202555{100 + index:04d}"


def _channel_identity(
    ids: IdFactory, channel_type: str, first: str, last: str, index: int
) -> tuple[str, str]:
    """Return (channelId, username) for a seeded customer on a channel."""
    handle = f"{first.lower()}_{last.lower()}_{index}"
    if channel_type == "TWITTER":
        return ids.digits(19), handle
    if channel_type == "FACEBOOK":
        return ids.digits(16), f"{first} {last}"
    if channel_type == "INSTAGRAM":
        return ids.digits(17), handle
    if channel_type == "EMAIL":
        address = f"{first.lower()}.{last.lower()}{index}@example.com"
        return address, address
    if channel_type in ("SMS", "WHATSAPP_BUSINESS"):
        phone = fictional_phone(index)
        return phone, phone
    return ids.hex24(), f"{first} {last}"


def _permalink(channel_type: str, username: str) -> str:
    if channel_type == "TWITTER":
        return f"https://twitter.com/{username}"
    if channel_type == "INSTAGRAM":
        return f"https://www.instagram.com/{username}/"
    if channel_type == "FACEBOOK":
        return "https://www.facebook.com/profile.example"
    return ""


def _social_profile(
    ids: IdFactory, channel_type: str, first: str, last: str, index: int
) -> Record:
    channel_id, username = _channel_identity(ids, channel_type, first, last, index)
    account = next(a for a, c, _ in ACCOUNTS if c == channel_type)
    return {
        "name": f"{first} {last}",
        "channelType": channel_type,
        "channelId": channel_id,
        "permalink": _permalink(channel_type, username),
        "avatarUrl": f"https://example.com/avatars/{first.lower()}-{index}.png",
        "bio": "",
        "followers": ids.randint(0, 900),
        "following": ids.randint(0, 400),
        "username": username,
        "verified": False,
        "unSubscribed": False,
        "deleted": False,
        "snCreatedTime": 0,
        "snModifiedTime": SEED_EPOCH_MS - 90 * DAY_MS + index * DAY_MS,
        "statusCount": ids.randint(0, 3000),
        "accountSpecificInfos": [{"accountId": account}],
        "additional": {},
    }


def _make_profile(state: SandboxState, index: int) -> Record:
    ids = state.ids
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[index % len(LAST_NAMES)]
    channel_type = CHANNELS[index % len(CHANNELS)]
    socials = [_social_profile(ids, channel_type, first, last, index)]
    if index % 4 == 0 and channel_type != "EMAIL":
        socials.append(_social_profile(ids, "EMAIL", first, last, index))
    email = next(
        (s["channelId"] for s in socials if s["channelType"] == "EMAIL"),
        f"{first.lower()}.{last.lower()}{index}@example.com",
    )
    created = SEED_EPOCH_MS - 120 * DAY_MS + index * DAY_MS
    return {
        "id": ids.hex24(),
        "contact": {
            "firstName": first,
            "lastName": last,
            "fullName": f"{first} {last}",
            "email": email,
            "phoneNo": fictional_phone(index),
            "website": [],
            "phoneDetails": [],
            "emailDetails": [],
        },
        "demographics": {
            "location": COUNTRIES[index % len(COUNTRIES)],
            "language": "en",
        },
        "profiles": socials,
        "profileWorkflow": {
            "profileLists": [2, 3] if index % 3 == 0 else [2],
            "customProperties": {
                "_c_64dcb892e32de6530b5a8dbf": [COUNTRIES[index % len(COUNTRIES)]],
            },
            "profileSpaceWorkflows": [],
        },
        "createdTime": created,
        "modifiedTime": created + 3 * DAY_MS,
    }


def _brand_profile(channel_type: str) -> Record:
    account_id, _, name = next(a for a in ACCOUNTS if a[1] == channel_type)
    return {
        "name": name,
        "channelType": channel_type,
        "channelId": str(account_id),
        "username": name,
        "followers": 0,
        "following": 0,
        "deleted": False,
        "snCreatedTime": 0,
        "snModifiedTime": 0,
        "statusCount": 0,
    }


def make_message(
    state: SandboxState,
    *,
    customer: Record,
    text: str,
    brand_post: bool,
    created: int,
    conversation_id: str,
    parent_message_id: str | None = None,
) -> Record:
    """Build a message between a customer's channel profile and the brand account."""
    ids = state.ids
    channel_type = customer["channelType"]
    account_id = next(a for a, c, _ in ACCOUNTS if c == channel_type)
    inbound_type, reply_type = MESSAGE_TYPES[channel_type]
    message_type = reply_type if brand_post else inbound_type
    channel_message_id = (
        ids.digits(19) if channel_type in ("TWITTER", "INSTAGRAM") else ids.token()
    )
    brand = _brand_profile(channel_type)

    message: Record = {
        "sourceType": "ACCOUNT",
        "sourceId": account_id,
        "content": {"text": text, "richText": text},
        "channelMessageId": channel_message_id,
        "channelType": channel_type,
        "accountType": channel_type,
        "channelCreatedTime": created,
        "senderProfile": brand if brand_post else copy.deepcopy(customer),
        "receiverProfile": copy.deepcopy(customer) if brand_post else brand,
        "language": "en",
        "messageId": message_id(
            "ACCOUNT",
            account_id,
            created,
            channel_type,
            message_type,
            channel_message_id,
        ),
        "brandPost": brand_post,
        "createdTime": created + 1200,
        "modifiedTime": created + 1500,
        "textEntities": {},
        "insights": {},
        "workflow": {"customProperties": {}, "queues": [], "spaceWorkflows": []},
        "enrichments": {"sentiment": 0 if brand_post else -1},
        "conversationId": conversation_id,
        "autoImported": False,
        "autoResponse": False,
    }
    if parent_message_id is not None:
        message["parentMessageId"] = parent_message_id
    state.messages[message["messageId"]] = message
    return message


def _seed_case(state: SandboxState, index: int, profile: Record) -> None:
    ids = state.ids
    subject, case_type, first_text, reply_text, follow_text = TOPICS[
        index % len(TOPICS)
    ]
    customer = profile["profiles"][0]
    created = SEED_EPOCH_MS - (CASE_COUNT - index) * DAY_MS + 9 * 3_600_000
    conversation_id = ids.hex24()

    texts = [(first_text, False), (reply_text, True)]
    if index % 3 != 2:
        texts.append((follow_text, False))
    messages: list[Record] = []
    for step, (text, brand_post) in enumerate(texts):
        parent = messages[-1]["messageId"] if messages else None
        messages.append(
            make_message(
                state,
                customer=customer,
                text=text,
                brand_post=brand_post,
                created=created + step * 1_800_000,
                conversation_id=conversation_id,
                parent_message_id=parent,
            )
        )

    status = STATUSES[index % len(STATUSES)]
    priority = PRIORITIES[index % len(PRIORITIES)]
    agent_id = 66007901 + index % len(AGENT_NAMES)
    workflow: Record = {
        "customProperties": {
            "spr_uc_status": [status],
            "spr_uc_priority": [priority],
            "spr_uc_type": [case_type],
        },
        "queues": [
            {"queueId": QUEUES[index % len(QUEUES)], "assignmentTime": created + 60_000}
        ],
    }
    if status != "New":
        workflow["assignment"] = {
            "assigneeId": str(agent_id),
            "assigneeType": "USER",
            "assignedById": ME_ID,
            "assignmentTime": created + 120_000,
        }
    case: Record = {
        "subject": subject,
        "description": first_text,
        "version": index % 4,
        "status": status,
        "priority": priority,
        "caseType": case_type,
        "externalCaseInfo": {"externalCases": []},
        "workflow": workflow,
        "channelCustomProperties": [],
        "contact": contact_for(customer),
        "createdTime": created,
        "modifiedTime": created + 2 * 3_600_000,
        "firstMessageId": messages[0]["messageId"],
        "conversationId": conversation_id,
        "latestProfileMessageAssociatedTime": 0,
        "totalProcessingClockTime": 0,
        "allEngagedUsersList": [str(agent_id)] if status != "New" else [],
        "associatedFanMessageCount": 0,
        "associatedBrandMessageCount": 0,
        "associatedUserBrandMessageCount": 0,
        "deleted": False,
    }
    case = state.add_case(case)
    for message in messages:
        state.associate_message(case, message, message["createdTime"])

    for note in range(index % 3):
        _add_seed_comment(
            state,
            "CASE",
            str(case["caseNumber"]),
            f"Internal note {note + 1}: {_NOTES[(index + note) % len(_NOTES)]}",
            agent_id,
            created + (note + 1) * 2_400_000,
        )


_NOTES = (
    "customer confirmed the order number.",
    "waiting for the courier to reply.",
    "refund approved by the team lead.",
    "sent the knowledge base article on returns.",
    "customer prefers email over phone.",
)


def _seed_voice_case(state: SandboxState, index: int, profile: Record) -> None:
    """Seed a phone call: a voice case with a call event and a transcript line."""
    ids = state.ids
    phone = profile["contact"]["phoneNo"]
    caller = {
        "name": phone,
        "channelType": "SPRINKLR_VOICE",
        "channelId": phone,
        "username": phone,
        "followers": 0,
        "following": 0,
        "unSubscribed": False,
        "deleted": False,
        "snCreatedTime": 0,
        "snModifiedTime": 0,
        "statusCount": 0,
        "accountSpecificInfos": [{"accountId": 600000106}],
        "additional": {"PHONE_NO": [phone.removeprefix("+1")], "COUNTRY_CODE": ["+1"]},
    }
    if not any(s["channelType"] == "SPRINKLR_VOICE" for s in profile["profiles"]):
        profile["profiles"].append(caller)
    call_id = ids.hex24() + ids.hex24()[:8]
    created = SEED_EPOCH_MS - (index + 2) * DAY_MS + 15 * 3_600_000
    subject, case_type, first_text, _, _ = TOPICS[(index * 4 + 2) % len(TOPICS)]
    brand = _brand_profile("SPRINKLR_VOICE")
    messages = []
    for offset, (message_type, content) in enumerate(
        (
            (
                325,
                {
                    "attachment": {
                        "type": "VOICE",
                        "commands": [{"type": "INCOMING_CALL", "from": phone}],
                    },
                    "isRichText": False,
                },
            ),
            (382, {"text": first_text, "isRichText": False}),
        )
    ):
        when = created + offset * 20_000
        message: Record = {
            "sourceType": "VOICE",
            "sourceId": 600000106,
            "content": content,
            "channelMessageId": call_id,
            "channelType": "SPRINKLR_VOICE",
            "accountType": "SPRINKLR_VOICE",
            "channelCreatedTime": when,
            "senderProfile": copy.deepcopy(caller),
            "receiverProfile": brand,
            "messageId": message_id(
                "VOICE", 600000106, when, "SPRINKLR_VOICE", message_type, call_id
            ),
            "brandPost": False,
            "createdTime": when + 40,
            "modifiedTime": when + 40,
            "textEntities": {},
            "insights": {},
            "workflow": {},
            "enrichments": {"sentiment": 0},
            "conversationId": call_id,
            "autoImported": False,
            "autoResponse": False,
        }
        state.messages[message["messageId"]] = message
        messages.append(message)

    case = state.add_case(
        {
            "subject": f"Call: {subject}",
            "description": first_text,
            "version": 2,
            "status": "Closed" if index else "In Progress",
            "priority": "Medium",
            "caseType": case_type,
            "externalCase": {"channelType": "SPRINKLR_VOICE", "modifiedTime": created},
            "externalCaseInfo": {"externalCases": []},
            "workflow": {
                "customProperties": {
                    "spr_uc_status": ["Closed" if index else "In Progress"],
                    "spr_uc_priority": ["Medium"],
                    "spr_uc_type": [case_type],
                },
                "queues": [],
            },
            "channelCustomProperties": [],
            "contact": contact_for(caller),
            "createdTime": created,
            "modifiedTime": created + 600_000,
            "firstMessageId": messages[0]["messageId"],
            "conversationId": call_id,
            "latestProfileMessageAssociatedTime": 0,
            "totalProcessingClockTime": 254_000,
            "allEngagedUsersList": [],
            "associatedFanMessageCount": 0,
            "associatedBrandMessageCount": 0,
            "associatedUserBrandMessageCount": 0,
            "deleted": False,
        },
        case_id=call_id,
    )
    for message in messages:
        state.associate_message(case, message, message["createdTime"])


def contact_for(customer: Record) -> Record:
    """Return the case ``contact`` object for a customer's channel profile."""
    channel_type = customer["channelType"]
    channel_id = customer["channelId"]
    return {
        "id": f"{channel_type}_{channel_id}",
        "name": customer["name"],
        "channelType": channel_type,
        "channelId": channel_id,
        "fromSnUserId": channel_id,
    }


def _seed_loose_message(state: SandboxState, index: int, profile: Record) -> None:
    """Seed an inbound message that no case contains yet, to create cases from."""
    created = SEED_EPOCH_MS - (index + 1) * 3_600_000
    make_message(
        state,
        customer=profile["profiles"][0],
        text=TOPICS[(index + 4) % len(TOPICS)][2],
        brand_post=False,
        created=created,
        conversation_id=state.ids.hex24(),
    )


def _add_seed_comment(
    state: SandboxState,
    entity_type: str,
    entity_id: str,
    text: str,
    user_id: int,
    created: int,
) -> None:
    state.add_comment(
        entity_type,
        entity_id,
        {
            "id": state.ids.hex24(),
            "text": text,
            "commentingUser": user_id,
            "createdTime": created,
            "modifiedTime": created,
            "entityType": entity_type,
            "entityId": entity_id,
        },
    )


def _seed_profile_comments(state: SandboxState, profiles: list[Record]) -> None:
    for index, profile in enumerate(profiles[:10]):
        _add_seed_comment(
            state,
            "PROFILE",
            profile["id"],
            "VIP customer: offer free returns." if index % 2 else "Prefers email.",
            ME_ID,
            profile["createdTime"] + DAY_MS,
        )


def _kb_date(epoch_ms: int) -> str:
    """Format a time as the knowledge base does: 'Mar 19, 2026, 02:38:09 PM'."""
    return time.strftime("%b %d, %Y, %I:%M:%S %p", time.gmtime(epoch_ms / 1000))


def _seed_articles(state: SandboxState) -> None:
    ids = state.ids
    for index, (title, content_type, status, html) in enumerate(ARTICLES):
        created = SEED_EPOCH_MS - (60 - index) * DAY_MS
        modified = created + 5 * DAY_MS
        article_id = ids.hex24()
        state.articles[article_id] = {
            "id": article_id,
            "version": 1 + index % 3,
            "contributors": [ME_ID],
            "tags": [content_type.lower()],
            "content": {
                "contentType": content_type,
                "contentSubType": "KB_ARTICLE",
                "title": title,
                "markUpText": html,
            },
            "publicContent": status == "PUBLISHED",
            "hasConditionalSection": False,
            "externalContent": False,
            "originType": "SPRINKLR",
            "favourite": False,
            "textModifiedTime": _kb_date(modified),
            "lngVariants": {},
            "inactiveLngVariants": {},
            "countryVariants": {},
            "publishedCountryVariants": {},
            "stats": {
                "recommendCount": index * 3,
                "usageCount": index * 7,
                "ratingCount": index,
                "ratingAvg": 4.0 + (index % 5) / 5,
                "agentViewCount": 20 + index,
                "communityViewCount": 0,
                "livechatViewCount": index * 2,
                "helpfulCount": 10 + index,
                "notHelpfulCount": index % 4,
            },
            "status": status,
            "locale": "en",
            "countryCodes": ["global"],
            "linkedAssets": [],
            "translationProcess": {
                "updateTime": modified,
                "newContentAvailableForTranslation": False,
                "authorId": ME_ID,
            },
            "languageSettingId": "68885d80f8bf2f3b8781886b",
            "grants": [f"USER/{ME_ID}/OWNERSHIP", f"CLIENT/{WORKSPACE_ID}/OWNERSHIP"],
            "clientId": WORKSPACE_ID,
            "ownerUserId": ME_ID,
            "createdTime": _kb_date(created),
            "modifiedTime": _kb_date(modified),
            "lastModifiedUserId": ME_ID,
            "deleted": False,
            "folderMetadata": {
                "folderId": "683d5891f8230370b39dbc7a",
                "confidential": False,
            },
            "canEdit": True,
        }


# Custom entity definitions: type -> field -> field type. The `_c_inventory`
# and `_c_caller` fields are the ones Sprinklr's custom-entity examples use.
ENTITY_TYPES: dict[str, dict[str, str]] = {
    "_c_caller": {
        "_c_credit_score": "NUMBER",
        "_c_rating": "INTEGER",
        "_c_customer_bio": "TEXT",
    },
    "_c_inventory": {
        "_c_UPC": "NUMBER",
        "_c_productType": "TEXT",
        "_c_supplierId": "NUMBER",
    },
    "_c_order": {
        "_c_orderNumber": "TEXT",
        "_c_total": "DOUBLE",
        "_c_placedOn": "DATE",
        "_c_giftWrapped": "BOOLEAN",
    },
}


def entity_time(epoch_ms: int) -> str:
    """Format a time as custom entities do: 'Tue Apr 05 05:47:08 UTC 2022'."""
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(epoch_ms / 1000))


def _seed_entities(state: SandboxState) -> None:
    state.entity_types.update({k: dict(v) for k, v in ENTITY_TYPES.items()})
    samples: list[tuple[str, str, dict[str, Any]]] = [
        ("_c_order", "A-1042", {"_c_orderNumber": "A-1042", "_c_total": 59.9}),
        ("_c_order", "A-2231", {"_c_orderNumber": "A-2231", "_c_total": 120.0}),
        ("_c_caller", "caller-1", {"_c_credit_score": 710, "_c_rating": 4}),
    ]
    for index, (kind, key, values) in enumerate(samples):
        created = entity_time(SEED_EPOCH_MS - (10 - index) * DAY_MS)
        state.entities[(kind, key)] = {
            "id": state.ids.hex24(),
            "entityId": key,
            "name": key,
            "type": kind,
            "values": values,
            "createdTime": created,
            "modifiedTime": created,
        }


def _seed_campaigns(state: SandboxState) -> None:
    names = (
        ("Customer Care Replies", True),
        ("Spring Sale", False),
        ("Product Launch: Trail Backpack", False),
        ("Holiday Returns", False),
    )
    for index, (name, default) in enumerate(names, start=1):
        campaign_id = f"{WORKSPACE_ID}_{1590 + index}"
        state.campaigns[campaign_id] = {
            "id": campaign_id,
            "name": name,
            "status": "ACTIVE" if index != 4 else "COMPLETED",
            "startDate": SEED_EPOCH_MS - 200 * DAY_MS,
            "endDate": SEED_EPOCH_MS + 200 * DAY_MS,
            "owner": ME_ID,
            "tags": ["care"] if default else ["marketing"],
            "archived": False,
            "visibility": "PUBLIC",
            "createdTime": SEED_EPOCH_MS - 200 * DAY_MS,
            "modifiedTime": SEED_EPOCH_MS - 100 * DAY_MS,
        }
        if default:
            state.default_campaign_id = campaign_id


def _seed_journeys(state: SandboxState) -> None:
    for name in ("Welcome series", "Post-purchase survey", "Win-back offer"):
        journey_id = state.ids.hex24()
        state.journeys[journey_id] = {
            "id": journey_id,
            "name": name,
            "status": "ACTIVE",
        }
