"""Reading and writing the Anställda/användare template: CSV dialects, XLSX, limits, headers."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from openpyxl import Workbook, load_workbook

from admin_portal.services.spreadsheets.sheets import (
    Sheet,
    SpreadsheetError,
    csv_chunks,
    headers,
    read_sheet,
    xlsx_file,
)


def _rows(sheet: Sheet) -> list[tuple[int, dict[str, str]]]:
    return [(r.number, r.values) for r in sheet.rows]


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _error(call: Callable[[], object]) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as caught:
        result = call()
        if isinstance(result, Sheet):
            list(result.rows)
    return caught.value


def test_semicolon_csv_with_bom_is_read() -> None:
    data = "\ufeffAnvändarnamn;E-post\r\nanna;anna@example.se\r\n".encode()
    sheet = read_sheet(data, "mall.csv")
    assert sheet.file_format == "csv"
    assert _rows(sheet) == [(2, {"username": "anna", "email": "anna@example.se"})]


def test_comma_csv_without_bom_is_read() -> None:
    data = b"Username,E-mail\nanna,anna@example.se\nbo,\n"
    assert _rows(read_sheet(data, "users.csv")) == [
        (2, {"username": "anna", "email": "anna@example.se"}),
        (3, {"username": "bo", "email": ""}),
    ]


def test_quoted_fields_keep_separators_quotes_and_line_breaks() -> None:
    data = (
        'Förnamn;Användarnamn;E-post\n"Anna; ""Nina""\nAndersson";anna;"a@example.se"\n'
        '"Bo, Berg";bo;b@example.se\n'
    ).encode()
    sheet = read_sheet(data, "mall.csv", columns=("first_name", "username", "email"))
    assert _rows(sheet) == [
        (2, {"first_name": 'Anna; "Nina"\nAndersson', "username": "anna", "email": "a@example.se"}),
        (3, {"first_name": "Bo, Berg", "username": "bo", "email": "b@example.se"}),
    ]


def test_empty_lines_and_empty_rows_are_skipped_but_counted_as_rows() -> None:
    data = b"\nUsername;E-mail\n\nanna;a@example.se\n;;\n \nbo;b@example.se\n\n"
    rows = _rows(read_sheet(data, "mall.csv"))
    # Row numbers are as a spreadsheet shows them: the header's row is 1.
    assert rows == [
        (3, {"username": "anna", "email": "a@example.se"}),
        (6, {"username": "bo", "email": "b@example.se"}),
    ]


def test_headers_match_in_swedish_and_english_whatever_their_case_and_spelling() -> None:
    for header in (
        "ANVÄNDARNAMN;e-post",
        "username;EMAIL",
        "User name;E-mail address",
        "Användarnamn:;E post",
        "Användarnamn;E-post Visma Connect",
    ):
        data = f"{header}\nanna;a@example.se\n".encode()
        assert _rows(read_sheet(data, "x.csv")) == [
            (2, {"username": "anna", "email": "a@example.se"})
        ], header


def test_unknown_columns_are_ignored_and_short_rows_are_padded() -> None:
    data = b"Personnummer;Username;Notes;E-mail\n1;anna\n"
    assert _rows(read_sheet(data, "x.csv")) == [(2, {"username": "anna", "email": ""})]


def test_a_missing_required_column_is_named() -> None:
    assert _error(lambda: read_sheet(b"Username;Mobile\nanna;1\n", "x.csv")).key == (
        "spreadsheet.missing_column.email"
    )
    assert _error(lambda: read_sheet(b"E-post\na@example.se\n", "x.csv")).key == (
        "spreadsheet.missing_column.username"
    )


def test_a_column_twice_is_refused() -> None:
    error = _error(lambda: read_sheet(b"Username;E-mail;E-post\n", "x.csv"))
    assert error.key == "spreadsheet.duplicate_column"
    assert error.params == {"column": "E-post"}


def test_a_file_that_is_not_utf8_is_refused_with_advice() -> None:
    data = "Användarnamn;E-post\nåsa;a@example.se\n".encode("cp1252")
    assert _error(lambda: read_sheet(data, "x.csv")).key == "spreadsheet.not_utf8"


def test_formats_other_than_csv_and_xlsx_are_refused() -> None:
    assert _error(lambda: read_sheet(b"x", "x.xls")).key == "spreadsheet.old_excel"
    assert _error(lambda: read_sheet(b"x", "x.pdf")).key == "spreadsheet.unknown_format"
    assert _error(lambda: read_sheet(b"not a zip", "x.xlsx")).key == "spreadsheet.xlsx_unreadable"
    assert _error(lambda: read_sheet(b"  \n", "x.csv")).key == "spreadsheet.empty"


def test_a_file_over_the_size_limit_is_refused_before_parsing(configure) -> None:
    configure(import_max_bytes=100)
    # Not even valid UTF-8: the size is what is reported, so nothing was parsed.
    error = _error(lambda: read_sheet(b"\xff" * 101, "x.csv"))
    assert error.key == "spreadsheet.too_large"


def test_a_file_over_the_row_limit_is_refused_while_reading(configure) -> None:
    configure(import_max_rows=3)
    ok = b"Username;E-mail\n" + b"u;e\n" * 3
    assert len(_rows(read_sheet(ok, "x.csv"))) == 3
    too_many = b"Username;E-mail\n" + b"u;e\n" * 4
    error = _error(lambda: read_sheet(too_many, "x.csv"))
    assert error.key == "spreadsheet.too_many_rows"
    assert error.params == {"max": "3"}


def test_xlsx_is_read_from_the_first_sheet_with_numbers_as_text() -> None:
    data = _xlsx(
        [
            ["Användarnamn", "E-post", "Mobilnummer"],
            ["anna", "a@example.se", 46701234567],
            [None, None, None],
            ["bo", None, 1.0],
        ]
    )
    sheet = read_sheet(data, "mall.xlsx", columns=("username", "email", "mobile"))
    assert sheet.file_format == "xlsx"
    assert _rows(sheet) == [
        (2, {"username": "anna", "email": "a@example.se", "mobile": "46701234567"}),
        (4, {"username": "bo", "email": "", "mobile": "1"}),
    ]


def test_csv_writer_uses_bom_semicolons_crlf_and_neutralises() -> None:
    data = b"".join(csv_chunks([["Användarnamn", "Mobil"], ["=1+2", "+4670"], ["a;b", 'x"y']]))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == ('Användarnamn;Mobil\r\n\'=1+2;\'+4670\r\n"a;b";"x""y"\r\n')


def test_csv_writer_streams_in_chunks() -> None:
    chunks = list(csv_chunks([["a"]] * 25, chunk_rows=10))
    assert len(chunks) == 1 + 3  # the BOM, then 10 + 10 + 5 rows


TRICKY = ["=SUM(A1)", "+46701234567", "-", "@x", "\tx", "'=1", "'abc", "Åsa Öberg", 'a;b,"c"\nd']


def test_csv_export_round_trips_through_import_exactly() -> None:
    rows = [
        ["Användarnamn", "E-post", "Förnamn"],
        *[[f"u{i}", "e", v] for i, v in enumerate(TRICKY)],
    ]
    data = b"".join(csv_chunks(rows))
    sheet = read_sheet(data, "x.csv", columns=("first_name",))
    assert [r.values["first_name"] for r in sheet.rows] == TRICKY


def test_xlsx_export_round_trips_and_holds_no_formula() -> None:
    rows = [
        ["Användarnamn", "E-post", "Förnamn"],
        *[[f"u{i}", "e", v] for i, v in enumerate(TRICKY)],
    ]
    with xlsx_file(rows, sheet_title="Anställda-användare") as handle:
        data = handle.read()
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "Anställda-användare"
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    formula_like = [c for c in cells if str(c.value).startswith(("=", "+", "-", "@"))]
    assert formula_like and all(c.quotePrefix for c in formula_like)
    read = read_sheet(data, "x.xlsx", columns=("first_name",))
    assert [r.values["first_name"] for r in read.rows] == TRICKY


def test_headers_in_both_languages() -> None:
    assert headers("sv")[0] == "Användarnamn" and "E-post" in headers("sv")
    assert headers("en")[0] == "Username" and "E-mail" in headers("en")


def test_an_xlsx_zip_bomb_is_refused_before_it_inflates() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 200_000_000)
    with pytest.raises(SpreadsheetError) as refused:
        read_sheet(filename="bomb.xlsx", data=buffer.getvalue())
    assert refused.value.key == "spreadsheet.xlsx_unreadable"


def test_an_xlsx_with_entity_expansion_is_refused() -> None:
    import io
    import zipfile

    from openpyxl import Workbook

    source = io.BytesIO()
    book = Workbook()
    book.active.append(["Användarnamn", "E-post"])
    book.save(source)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    poisoned = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(poisoned, "w") as copy:
        for entry in original.infolist():
            data = original.read(entry.filename)
            copy.writestr(entry, laughs if entry.filename == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(SpreadsheetError) as refused:
        read_sheet(filename="lol.xlsx", data=poisoned.getvalue())
    # Refused as a document (defusedxml), not read with the entities expanded.
    assert refused.value.key == "spreadsheet.xlsx_unreadable"
