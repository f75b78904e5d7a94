# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.device_info: the same guards as device_unlock's (it takes a code too)."""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.action.device_unlock import ActionModule

__all__ = ["ActionModule"]
