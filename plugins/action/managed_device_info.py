# Copyright (c) 2026 edge.snowball contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for edge.snowball.managed_device_info: the same id checks as managed_device_unlock's."""

from __future__ import annotations

from ansible_collections.edge.snowball.plugins.action.managed_device_unlock import ActionModule

__all__ = ["ActionModule"]
