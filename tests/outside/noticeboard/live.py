"""The notice board's command, its channel rule and its job."""

from __future__ import annotations

from typing import Any

from fair.core.accounts.viewers import Viewer
from fair.core.channels import named_rule
from fair.core.contract import Services, viewer_command
from fair.core.limits import Limit
from noticeboard import actions
from noticeboard.channels import BOARD
from noticeboard.inputs import Pinning
from noticeboard.settings import NoticeboardSettings


async def _pin(services: Services, viewer: Viewer, data: Pinning) -> dict[str, Any]:
    """Pin a notice on the board.

    Who: anyone logged in whose role takes part, while the board has room.
    Errors: account.login_required, account.forbidden, noticeboard.full.
    """
    most = services.settings.section(NoticeboardSettings).max_notices
    notice = await actions.pin_notice(services.db, viewer, data, most=most)
    return {"notice_id": notice.id}


COMMANDS = [
    viewer_command("noticeboard.pin", Pinning, _pin, limit=Limit("noticeboard.pin", 10, 60)),
]

board_rule = named_rule([BOARD], doc="`noticeboard`: anyone.")
