"""Spreadsheet formula injection (CSV injection): cells that would run as formulas.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or
``@`` (and, in some versions, a leading tab or carriage return before one of those) as a
formula. A name or an address someone typed into the portal must never run as one on the
admin's machine, so every exported cell goes through `neutralise`, which puts an
apostrophe in front: the spreadsheet shows the text instead of evaluating it.

A mobile number such as ``+46701234567`` starts with ``+``, so it is neutralised too: it
must not run (``+4670…`` is a formula in Excel), and the apostrophe is the price. Import
reads it back exactly because `restore` strips exactly that one apostrophe again.

The mapping is a bijection on strings, so export -> import round-trips every value:
a value that already starts with apostrophes followed by a trigger (``'=x``) gets one
more (``''=x``), and `restore` removes one. A value with an apostrophe before ordinary
text (``'abc``) is left alone both ways.
"""

from __future__ import annotations

# What spreadsheets evaluate at the start of a cell (OWASP "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def _needs_prefix(value: str) -> bool:
    return value.lstrip(PREFIX).startswith(FORMULA_TRIGGERS)


def neutralise(value: str) -> str:
    """The cell text to write: `value`, with an apostrophe first if it could run as a formula.

    >>> neutralise("=SUM(A1)"), neutralise("+46701234567"), neutralise("Anna")
    ("'=SUM(A1)", "'+46701234567", 'Anna')
    """
    return PREFIX + value if _needs_prefix(value) else value


def restore(value: str) -> str:
    """The value `neutralise` was given: strips exactly the one apostrophe it added.

    >>> restore("'+46701234567"), restore("'abc"), restore("''=x")
    ('+46701234567', "'abc", "'=x")
    """
    if value.startswith(PREFIX) and _needs_prefix(value):
        return value[len(PREFIX) :]
    return value
