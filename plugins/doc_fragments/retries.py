# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The retry option of every plugin that calls AWS (module_utils/_aws/options.py: DEFAULT_RETRIES).
    DOCUMENTATION = r"""
options:
  retries:
    description:
      - How many times a throttled (C(ThrottlingException)) or failed (HTTP 5xx) call is retried with
        jittered backoff, on top of botocore's own retries. V(0) leaves only botocore's retries.
    type: int
    default: 6
"""
