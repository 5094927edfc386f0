"""The Anställda/användare template as files: read an upload, write CSV and XLSX.

Reading: CSV (`,` or `;`, UTF-8 with or without BOM) or XLSX (first worksheet). Size is
refused before any parsing and the row limit while reading, so a hostile or mistaken
file costs little. Cells come back as text with the export's formula neutralisation
undone (`csv_safety.restore`), so an exported file imports to the same values.

Writing: CSV is UTF-8 *with* BOM and `;`-separated with CRLF line ends: Excel set to
Swedish uses `;` as its list separator (the decimal separator is `,`) and reads a CSV
without BOM as ANSI, which would garble å/ä/ö. XLSX cells are typed as text and, when
they could run as formulas, carry Excel's own "quote prefix" flag (what typing `'=x`
does), so they show their exact value and stay text even when edited.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from admin_portal.config import get_settings
from admin_portal.i18n import EN, SV
from admin_portal.services.errors import ServiceError
from admin_portal.validation.csv_safety import FORMULA_TRIGGERS, PREFIX, neutralise, restore

# The template's columns, in file order. Only username and email matter to an import.
COLUMNS: tuple[str, ...] = (
    "username",
    "first_name",
    "last_name",
    "company",
    "unit",
    "user_type",
    "email",
    "email_verified",
    "mobile",
)
IMPORT_COLUMNS: tuple[str, ...] = ("username", "email")

# Header spellings seen in the wild besides the catalogue's own (both languages are
# always accepted: a Swedish admin may get a file from an English-speaking colleague).
_EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "username": ("användare", "user", "login", "inloggningsnamn"),
    "first_name": ("firstname", "givenname"),
    "last_name": ("lastname", "surname", "familyname"),
    "user_type": ("typ", "type"),
    "email": ("epostadress", "emailaddress", "mail", "epostvismaconnect"),
    "email_verified": ("epostverifierad", "emailverified", "verifierad", "verified"),
    "mobile": ("mobil", "mobiltelefon", "mobilephone", "phone", "telefon"),
}
XLSX_MAGIC = b"PK\x03\x04"
_CSV_CHUNK_ROWS = 1000


class SpreadsheetError(ServiceError):
    """The file cannot be read as the template; `key` says why in words the admin can act on."""


def header_key(column: str) -> str:
    """The catalogue key of a column's header text."""
    return f"spreadsheet.col.{column}"


def headers(lang: str) -> list[str]:
    catalogue = EN if lang == "en" else SV
    return [catalogue[header_key(c)] for c in COLUMNS]


def _fold(text: str) -> str:
    # "E-post", "e post", "EPOST:" and "E_post" are one header.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\-_.:*'\"]+", "", folded)


def _aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for column in COLUMNS:
        names = [SV[header_key(column)], EN[header_key(column)], *_EXTRA_ALIASES.get(column, ())]
        for name in names:
            aliases.setdefault(_fold(name), column)
    return aliases


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row as a spreadsheet shows it: the header is row 1 of a plain file
    values: dict[str, str]  # requested column -> cell text ("" when empty)


@dataclass(frozen=True)
class Sheet:
    """An upload whose header has been checked; `rows` is read lazily (limits apply then)."""

    file_format: str  # csv | xlsx
    columns: tuple[str, ...]  # the requested columns the file has
    rows: Iterator[SheetRow]


def check_size(size: int) -> None:
    """Raises SpreadsheetError when `size` bytes are more than an upload may be."""
    limit = get_settings().import_max_bytes
    if size > limit:
        raise SpreadsheetError("spreadsheet.too_large", max_mb=max(1, limit // (1024 * 1024)))


def file_format_of(filename: str) -> str:
    """csv or xlsx, from the name's extension; anything else is refused with advice."""
    name = (filename or "").strip().lower()
    if name.endswith(".csv") or name.endswith(".txt"):
        return "csv"
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".xls"):
        raise SpreadsheetError("spreadsheet.old_excel")
    raise SpreadsheetError("spreadsheet.unknown_format")


def read_sheet(
    data: bytes,
    filename: str,
    *,
    columns: Sequence[str] = COLUMNS,
    required: Sequence[str] = IMPORT_COLUMNS,
) -> Sheet:
    """Open an uploaded template and check its header.

    Args:
        data: The whole upload.
        filename: The name the browser gave it (decides CSV or XLSX).
        columns: The columns the caller wants in each row's `values`.
        required: Columns the header must have.

    Raises:
        SpreadsheetError: too large, unknown format, unreadable, not UTF-8, no header,
            a required column missing or a column twice. Iterating `rows` raises it
            too, when the file holds more than `import_max_rows` rows.
    """
    check_size(len(data))
    file_format = file_format_of(filename)
    if not data.strip():
        raise SpreadsheetError("spreadsheet.empty")
    if file_format == "xlsx" or data.startswith(XLSX_MAGIC):
        file_format = "xlsx"
        records = _xlsx_records(data)
    else:
        records = _csv_records(data)
    return _sheet(file_format, records, columns, required)


def _sheet(
    file_format: str,
    records: Iterator[tuple[int, list[str]]],
    columns: Sequence[str],
    required: Sequence[str],
) -> Sheet:
    for number, cells in records:
        if _blank(cells):
            continue
        positions = _header_positions(cells)
        for column in required:
            if column not in positions:
                raise SpreadsheetError(f"spreadsheet.missing_column.{column}")
        wanted = {c: positions[c] for c in columns if c in positions}
        return Sheet(
            file_format=file_format,
            columns=tuple(wanted),
            rows=_rows(records, wanted, header_number=number),
        )
    raise SpreadsheetError("spreadsheet.empty")


def _header_positions(cells: list[str]) -> dict[str, int]:
    aliases = _aliases()
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = aliases.get(_fold(cell))
        if column is None:
            continue  # other columns (e.g. personnummer in a bigger template) are ignored
        if column in positions:
            raise SpreadsheetError("spreadsheet.duplicate_column", column=cell.strip()[:60])
        positions[column] = index
    return positions


def _rows(
    records: Iterator[tuple[int, list[str]]], wanted: Mapping[str, int], *, header_number: int
) -> Iterator[SheetRow]:
    limit = get_settings().import_max_rows
    count = 0
    for number, cells in records:
        if _blank(cells):
            continue
        count += 1
        if count > limit:
            raise SpreadsheetError("spreadsheet.too_many_rows", max=f"{limit:,}".replace(",", " "))
        values = {
            column: restore(cells[index]) if index < len(cells) else ""
            for column, index in wanted.items()
        }
        yield SheetRow(number=number - header_number + 1, values=values)


def _blank(cells: Sequence[str]) -> bool:
    # Excel saves an emptied row as ";;;;": it is as empty as a blank line.
    return all(not c.strip() for c in cells)


def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError("spreadsheet.not_utf8") from None
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)

    def records() -> Iterator[tuple[int, list[str]]]:
        # Numbered by record, not by physical line: a quoted cell with a line break is one
        # row in a spreadsheet, and an empty line is an (empty) row there too.
        try:
            yield from enumerate(reader, start=1)
        except csv.Error:
            raise SpreadsheetError("spreadsheet.csv_malformed") from None

    return records()


def _sniff_delimiter(text: str) -> str:
    """`;` or `,`: whichever the header line (the first non-empty one) uses more."""
    for line in text.splitlines():
        if line.strip():
            unquoted = re.sub(r'"[^"]*"', "", line)
            return ";" if unquoted.count(";") > unquoted.count(",") else ","
    return ","


# An .xlsx is a zip: 20 MB of upload can inflate to gigabytes. Real sheets compress about
# 10:1, so this allows a full-size file while refusing a bomb before anything inflates.
XLSX_MAX_INFLATE_RATIO = 40


def _refuse_zip_bomb(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError("spreadsheet.xlsx_unreadable") from None
    if inflated > max(len(data), 1024 * 1024) * XLSX_MAX_INFLATE_RATIO:
        raise SpreadsheetError("spreadsheet.xlsx_unreadable")


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # openpyxl is imported here: only imports need it, and it is slow to import.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_zip_bomb(data)
    try:
        # read_only streams rows (bounded memory); data_only gives what Excel last showed
        # for a formula instead of the formula's text. With defusedxml installed (a
        # dependency), openpyxl refuses entity-expansion ("billion laughs") documents.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise SpreadsheetError("spreadsheet.xlsx_unreadable") from None
    if not workbook.worksheets:
        workbook.close()
        raise SpreadsheetError("spreadsheet.empty")
    sheet: Any = workbook.worksheets[0]

    def records() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(value) for value in row]
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise SpreadsheetError("spreadsheet.xlsx_unreadable") from None
        finally:
            workbook.close()

    return records()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a text column, such as a phone number
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- writing


def csv_chunks(
    rows: Iterable[Sequence[str]], *, chunk_rows: int = _CSV_CHUNK_ROWS
) -> Iterator[bytes]:
    """The rows as a CSV file (BOM, `;`, CRLF), every cell neutralised, in chunks of bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    yield "\ufeff".encode()
    pending = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


def xlsx_file(rows: Iterable[Sequence[str]], *, sheet_title: str) -> IO[bytes]:
    """The rows as an XLSX workbook in a temporary file (memory first, disk when big).

    The caller reads it from the start and closes it (which deletes it). openpyxl's
    write_only mode keeps one row in memory at a time.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])

    def cell(value: str) -> WriteOnlyCell:
        # XML cannot hold most control characters; no template field needs them.
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        # Keeps `restore` on import exact: "'=x" must come back with its apostrophe.
        if text.startswith(PREFIX):
            text = neutralise(text)
        written = WriteOnlyCell(sheet, value=text)
        # Always text: openpyxl would otherwise take "=..." for a formula.
        written.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            written.quotePrefix = True
        return written

    for row in rows:
        sheet.append([cell(value) for value in row])
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output
