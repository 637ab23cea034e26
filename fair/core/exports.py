"""Tables as CSV files a spreadsheet opens as written: one table per file, UTF-8 with a byte
order mark (so "Ramírez" stays "Ramírez"), and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from starlette.responses import Response

from fair.core.text import spreadsheet_safe

BOM = "\ufeff"
Cell = str | int | float | None


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(name) for name in header])
    for row in rows:
        writer.writerow(
            [
                "" if cell is None else spreadsheet_safe(cell) if isinstance(cell, str) else cell
                for cell in row
            ]
        )
    return BOM + out.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response:
    """The table as a CSV download named `filename` (reduced to safe characters)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "table.csv"
    return Response(
        csv_text(header, rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{safe}"'},
    )
