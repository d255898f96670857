"""Fixed text for the seed data: fake names, support topics and articles.

Every person here is invented: first names are common unisex given names and
every surname is an obvious placeholder, so no record looks like a real person.
"""

from __future__ import annotations

__all__ = [
    "AGENT_NAMES",
    "ARTICLES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "TOPICS",
]

FIRST_NAMES = (
    "Alex", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan",
    "Kai", "Logan", "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Riley",
    "Sage", "Taylor", "Rowan", "Skyler", "Jamie", "Avery", "Reese", "Dakota",
    "Hayden", "Peyton", "Remy", "Sawyer", "Tatum", "Wren", "Ellis", "Marlowe",
    "Shiloh", "Arden", "Bellamy", "Corin",
)  # fmt: skip

LAST_NAMES = ("Example", "Sample", "Placeholder", "Testperson", "Demouser", "Fakename")

AGENT_NAMES = (
    "Agent Example",
    "Agent Sample",
    "Agent Placeholder",
    "Supervisor Example",
)

# (case subject, case type, customer message, brand reply, customer follow-up)
TOPICS = (
    (
        "Order arrived damaged",
        "Complaint",
        "My order A-1042 arrived with a cracked lid. Can I get a replacement?",
        "Sorry about that! Please send a photo of the damage and we will ship a "
        "replacement today.",
        "Photo sent. Thanks for the quick answer.",
    ),
    (
        "Refund not received",
        "Problem",
        "I returned my jacket two weeks ago and still have no refund.",
        "Thanks for waiting. I can see the return arrived; the refund was issued "
        "today and takes 3-5 business days.",
        "Great, I will keep an eye on my statement.",
    ),
    (
        "Cannot log in to my account",
        "Incident",
        "The app says my password is wrong but I just reset it.",
        "Could you try the reset link once more and clear the app cache? If it "
        "still fails we will unlock the account for you.",
        "Still failing after clearing the cache.",
    ),
    (
        "Change delivery address",
        "Task",
        "Can you send order A-2231 to my office instead of my home?",
        "Done: the courier now has the new address.",
        "Perfect, thank you!",
    ),
    (
        "Promo code not accepted",
        "Problem",
        "The code SPRING20 says it is expired but the email says it runs all month.",
        "You're right, that code should work until the 30th. I have applied the "
        "discount to your basket manually.",
        "It works now, thanks.",
    ),
    (
        "Missing item in parcel",
        "Complaint",
        "The parcel had the shoes but not the socks I ordered.",
        "Apologies! The socks shipped separately and should arrive tomorrow.",
        "They just arrived.",
    ),
    (
        "Question about warranty",
        "Task",
        "Is the blender covered if the motor stops working after a year?",
        "Yes, the motor has a two-year warranty. Keep your receipt and contact us "
        "if it fails.",
        "Good to know.",
    ),
    (
        "Subscription charged twice",
        "Incident",
        "I was billed twice for my monthly subscription this month.",
        "I can see the duplicate charge and have refunded it. Sorry for the trouble.",
        "Thanks, I see the refund pending.",
    ),
    (
        "Store opening hours",
        "Task",
        "What time does the Example Street store open on Sundays?",
        "It opens at 10:00 and closes at 16:00 on Sundays.",
        "Thanks!",
    ),
    (
        "Product out of stock",
        "Task",
        "When will the blue backpack be back in stock?",
        "We expect new stock next week. Want us to notify you when it lands?",
        "Yes please.",
    ),
    (
        "Delivery is late",
        "Complaint",
        "My order was due yesterday and the tracking has not moved for 3 days.",
        "I have opened an investigation with the courier and will update you "
        "within 24 hours.",
        "Any news?",
    ),
    (
        "Unsubscribe from newsletter",
        "Task",
        "Please stop sending me marketing emails.",
        "Done, you are unsubscribed. It may take 48 hours for emails to stop.",
        "Thank you.",
    ),
    (
        "App crashes on checkout",
        "Incident",
        "The app closes every time I tap Pay.",
        "Thanks for reporting this. Which app version and phone are you using?",
        "Version 5.2 on an older tablet.",
    ),
    (
        "Gift card balance",
        "Task",
        "How do I check the balance of my gift card?",
        "You can check it under Account > Gift cards, or reply with the last four "
        "digits and we will look it up.",
        "Found it, thanks.",
    ),
    (
        "Wrong size delivered",
        "Complaint",
        "I ordered a medium but received a large.",
        "Sorry for the mix-up. A prepaid return label is on its way to your email.",
        "Got the label.",
    ),
)

# (title, content type, status, HTML body)
ARTICLES = (
    (
        "How to return an item",
        "FAQ",
        "PUBLISHED",
        "<p>You can return most items within 30 days of delivery.</p>"
        "<ol><li>Open <b>Orders</b> and choose the item.</li>"
        "<li>Select <b>Return</b> and print the prepaid label.</li>"
        "<li>Drop the parcel at any courier point.</li></ol>",
    ),
    (
        "Refund timelines",
        "FAQ",
        "PUBLISHED",
        "<p>Refunds are issued when the return reaches our warehouse and take 3-5 "
        "business days to show on your statement.</p>",
    ),
    (
        "Resetting your password",
        "HOW_TO",
        "PUBLISHED",
        "<p>Use <b>Forgot password</b> on the sign-in screen. The reset link is "
        "valid for one hour. Clear the app cache if the new password is "
        "rejected.</p>",
    ),
    (
        "Checkout fails on older app versions",
        "KNOWN_ISSUE",
        "PUBLISHED",
        "<p>App versions before 5.3 can close at checkout on some tablets. Ask the "
        "customer to update the app; as a workaround, checkout works in the "
        "browser.</p>",
    ),
    (
        "Damaged or missing items",
        "FAQ",
        "PUBLISHED",
        "<p>Ask for a photo of the damage, then send a replacement or refund. Items "
        "can ship in separate parcels; check tracking before reporting a missing "
        "item.</p>",
    ),
    (
        "Changing a delivery address",
        "HOW_TO",
        "PUBLISHED",
        "<p>An address can be changed until the parcel leaves the warehouse. After "
        "that, ask the courier to redirect it.</p>",
    ),
    (
        "Promotional codes",
        "FAQ",
        "PUBLISHED",
        "<p>Codes apply to full-price items only and cannot be combined. Expired "
        "codes can be honoured manually when the campaign email showed a later "
        "date.</p>",
    ),
    (
        "Product warranty",
        "FAQ",
        "PUBLISHED",
        "<p>Small appliances carry a two-year warranty on the motor and one year on "
        "other parts. A receipt or order number is required.</p>",
    ),
    (
        "Duplicate subscription charges",
        "KNOWN_ISSUE",
        "PUBLISHED",
        "<p>A payment retry can bill a subscription twice. Refund the duplicate "
        "charge; the customer does not need to cancel.</p>",
    ),
    (
        "Gift cards",
        "FAQ",
        "PUBLISHED",
        "<p>Gift cards never expire. The balance is shown under Account &gt; Gift "
        "cards.</p>",
    ),
    (
        "Escalating a late delivery",
        "HOW_TO",
        "DRAFT",
        "<p>If tracking has not moved for 3 days, open a courier investigation and "
        "promise an update within 24 hours.</p>",
    ),
    (
        "Store opening hours",
        "FAQ",
        "PUBLISHED",
        "<p>Stores open 09:00-20:00 Monday to Saturday and 10:00-16:00 on Sunday.</p>",
    ),
)
