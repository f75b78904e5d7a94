"""The Snowball jobs the emulator knows, with their secrets.

Ids are stable (derived from a name), so playbooks and docs can name them;
unlock codes and manifests are random for every emulator start, so no code
is ever written in this repository and a leak scanner can look for the real
values of this run.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import secrets
import string
import uuid

_NAMESPACE = uuid.UUID("6f1c7a8e-4f7b-4a53-9c8e-5e0c3b2d1a90")
_CODE_ALPHABET = string.ascii_lowercase + string.digits


def job_id_for(name: str, prefix: str = "JID") -> str:
    return prefix + str(uuid.uuid5(_NAMESPACE, name))


def new_unlock_code() -> str:
    """25 alphanumerics in 5 groups, as AWS hands them out (29 characters)."""
    return "-".join("".join(secrets.choice(_CODE_ALPHABET) for _char in range(5)) for _group in range(5))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclasses.dataclass
class Job:
    name: str
    job_id: str
    state: str
    created: datetime.datetime
    unlock_code: str = dataclasses.field(default_factory=new_unlock_code)
    manifest: bytes = dataclasses.field(default_factory=lambda: b"SBMANIFEST1\n" + secrets.token_bytes(4096))
    cluster_id: str | None = None
    job_type: str = "LOCAL_USE"

    def public(self) -> dict:
        """What the control API tells tests: everything but the secrets."""
        return {
            "name": self.name,
            "job_id": self.job_id,
            "state": self.state,
            "created": self.created.isoformat(),
            "cluster_id": self.cluster_id,
            "unlock_code_sha256": sha256(self.unlock_code),
            "manifest_sha256": hashlib.sha256(self.manifest).hexdigest(),
        }


def default_jobs(now: datetime.datetime | None = None, extra: int = 0) -> list[Job]:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    days = datetime.timedelta(days=1)
    jobs = [
        Job("ready1", job_id_for("ready1"), "WithCustomer", now - 20 * days),
        Job("ready2", job_id_for("ready2"), "WithCustomer", now - 30 * days),
        Job("ready3", job_id_for("ready3"), "WithCustomer", now - 40 * days),
        Job("import1", job_id_for("import1"), "WithCustomer", now - 10 * days, job_type="IMPORT"),
        Job("in_transit", job_id_for("in_transit"), "InTransitToCustomer", now - 3 * days),
        Job("preparing", job_id_for("preparing"), "PreparingShipment", now - 1 * days),
        Job("returning", job_id_for("returning"), "InTransitToAWS", now - 100 * days),
        Job("complete", job_id_for("complete"), "Complete", now - 200 * days),
        Job("cancelled", job_id_for("cancelled"), "Cancelled", now - 5 * days),
        Job("expired", job_id_for("expired"), "WithCustomer", now - 400 * days),
        Job("cluster_m", job_id_for("cluster_m", "MID"), "WithCustomer", now - 15 * days),
    ]
    cluster = "CID" + str(uuid.uuid5(_NAMESPACE, "cluster"))
    for i in range(1, 4):
        jobs.append(Job(f"cluster{i}", job_id_for(f"cluster{i}"), "WithCustomer", now - 15 * days, cluster_id=cluster))
    for i in range(1, extra + 1):
        jobs.append(Job(f"fleet{i}", job_id_for(f"fleet{i}"), "WithCustomer", now - 12 * days))
    return jobs


#: A well-formed id that no job has.
UNKNOWN_JOB_ID = job_id_for("no-such-job")
