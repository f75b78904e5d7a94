# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Controller-side checks made before anything in this collection handles an unlock code."""

from __future__ import annotations

from typing import Optional

from ansible import constants


def debug_refusal(what: str) -> Optional[str]:
    """Why ``what`` must not run now, or None.

    With ANSIBLE_DEBUG on, ansible-core prints every module's arguments and raw result to its
    own debug output, no_log or not (its documentation warns that debug output can include
    secrets). A code passed to or returned by a module would be printed there, so nothing in
    this collection handles a code while it is on.
    """
    if constants.DEFAULT_DEBUG:
        return (
            f"{what} refused: ANSIBLE_DEBUG is on, and ansible-core then prints module arguments and results"
            " in clear, no_log or not, which would show the unlock code. Turn ANSIBLE_DEBUG off (use -vvvv for"
            " detail instead)."
        )
    return None
