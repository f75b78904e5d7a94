"""Test values that parametrize lists and default arguments need when pytest collects the tests,
before any fixture exists (everything with behaviour is a fixture in the conftest.py files)."""

from __future__ import annotations

import datetime

VALID_JOB_ID = "JID123e4567-e89b-12d3-a456-426655440000"
OTHER_JOB_ID = "JID9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
# Not a real code; built so that it matches no literal anywhere in the repository.
FAKE_CODE = "-".join(["k3y5"[i % 4] * 5 for i in range(5)])

# Snow Device Management times: T0 is "now" for the code under test.
T0 = datetime.datetime(2026, 11, 28, 3, 0, tzinfo=datetime.timezone.utc)
LATER = T0 + datetime.timedelta(seconds=30)
EARLIER = T0 - datetime.timedelta(hours=1)
# Not a real secret access key: 40 characters of [A-Za-z0-9/+] with both cases, digits, "/" and "+".
FAKE_SECRET_KEY = "".join(("Zq8/", "Xv3+", "Lm5k")[i % 3] for i in range(10))


def _typed(code: str) -> list:
    groups = code.split("-")

    def joined(*gaps: str) -> str:
        return "".join(group + gap for group, gap in zip(groups, list(gaps) + [""]))

    return [
        code,
        code.upper(),
        code.replace("-", ""),  # a bare run of 25
        *(joined(*("" if n == gap else "-" for n in range(4))) for gap in range(4)),  # one hyphen dropped
        joined("", "-", "", "-"),  # two dropped
        joined("--", "-", "-", "-"),  # one doubled
        code.replace("-", "--"),
        joined("-", "_", ".", ":"),  # mixed
        joined(" - ", " - ", " - ", " - "),  # spaced hyphens
        joined("-", "", "_", "-").upper(),
        joined("\n", "-", "-", ""),  # a line break for a hyphen, one dropped
        joined("%2D", "", "%2D", "%2D"),  # URL-encoded, one dropped
    ]


#: The code as a person may type or paste it where it does not belong (each hyphen dropped, doubled,
#: mixed, spaced, encoded): every check that refuses a code in the wrong place refuses each of these.
TYPED_CODES = _typed(FAKE_CODE)

#: Ordinary values near the code's shape that every check must leave alone: five-letter words between
#: one separator throughout (a path, a sentence), and numbered series of five-character names.
INNOCENT_TEXTS = [
    "/opt/ansible/files/certs/sites/paris/manifest.bin",
    "please check these three items quickly",
    "north_south_eastx_westx_hills",
    "Alpha.Bravo.Charl.Delta.Echoo",
    "web01,web02,web03,web04,web05",
    "node1 node2 node3 node4 node5 node6",
    "rack1/rack2/rack3/rack4/rack5",
    "site01-site02-site03-site04-site05",
]
