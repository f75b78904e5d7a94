# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Internal use only: part of edge.snowball's AWS machinery; may change without notice.

"""What a Snowball job's state means for someone who wants its unlock code, and when the code
expires (360 days after the job was created)."""

from __future__ import annotations

import datetime
from typing import Dict

#: How long AWS keeps a job's credentials after the job was created.
CREDENTIALS_LIFETIME = datetime.timedelta(days=360)

READY_STATE = "WithCustomer"

#: What each JobState means for someone who wants the unlock code.
STATE_MEANINGS: Dict[str, str] = {
    "New": "the job was created but AWS has not started preparing the device yet",
    "PreparingAppliance": "AWS is preparing the device",
    "PreparingShipment": "AWS is preparing the device for shipping",
    "InTransitToCustomer": "the device has not arrived yet",
    "WithCustomer": "the device is on site",
    "InTransitToAWS": "the device is on its way back to AWS; its unlock code is no longer available",
    "WithAWSSortingFacility": "the device is back at an AWS sorting facility; its unlock code is no longer available",
    "WithAWS": "the device is back with AWS; its unlock code is no longer available",
    "InProgress": "AWS is transferring the device's data; its unlock code is no longer available",
    "Complete": "the job is complete; its unlock code is no longer available",
    "Cancelled": "the job was cancelled; it has no unlock code",
    "Listing": "AWS is listing the job's objects; the device is not with you",
    "Pending": "the job is pending; the device has not been prepared yet",
}

#: States from which a job can still reach WithCustomer (worth waiting for).
STATES_BEFORE_CUSTOMER = frozenset(("New", "Pending", "PreparingAppliance", "PreparingShipment", "InTransitToCustomer"))


def explain_state(state: str) -> str:
    meaning = STATE_MEANINGS.get(state)
    if meaning is None:
        return f"{state}: a state this collection does not know; the unlock code is only available in {READY_STATE}"
    return f"{state}: {meaning}"


def expires_at(created: datetime.datetime) -> datetime.datetime:
    if created.tzinfo is None:
        created = created.replace(tzinfo=datetime.timezone.utc)
    return created + CREDENTIALS_LIFETIME


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)
