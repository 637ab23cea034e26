"""The notice board feature: named in FAIR_FEATURES as `noticeboard.feature`."""

from __future__ import annotations

from pathlib import Path

from fair.core.contract import Feature
from noticeboard import jobs, live
from noticeboard.channels import BOARD
from noticeboard.settings import NoticeboardSettings

feature = Feature(
    name="noticeboard",
    commands=live.COMMANDS,
    channel_rules={BOARD: live.board_rule},
    migrations=Path(__file__).with_name("migrations"),
    settings=NoticeboardSettings,
    jobs=[jobs.SWEEP],
)
