"""The supported-action table shared by the spec tests."""

from __future__ import annotations

# Action number (the order of the supported-action list) to operationId.
ACTIONS: dict[int, str] = {
    1: "addComment",
    2: "getCaseMessageIds",
    3: "createCase",
    4: "createCaseViaProfile",
    5: "createProfile",
    6: "createCustomEntity",
    7: "deflectCall",
    8: "deleteCasesById",
    9: "deleteCasesByNumber",
    10: "getAfterCallWork",
    11: "getComments",
    12: "getDefaultCampaign",
    13: "getCaseNudges",
    14: "getProfileById",
    15: "getProfileByChannelUserId",
    16: "getProfileByUsername",
    17: "generateOta",
    18: "getKnowledgeBaseContent",
    19: "getMessageById",
    20: "listProfileCases",
    21: "publishMessage",
    22: "getCaseById",
    23: "getCaseByNumber",
    24: "getMessagesBulk",
    25: "smartAssistSearch",
    26: "triggerCustomerJourney",
    27: "updateCase",
    28: "updateProfile",
    29: "uploadMedia",
    30: "uploadMediaBulk",
}

# Operations that are not one of the 30 actions.
EXTRA_OPERATIONS = {"getMe", "searchCases"}

# Actions with no public Sprinklr page, modelled on nearby endpoints.
INFERRED_ACTIONS = {10, 12, 13, 17, 20, 25}
