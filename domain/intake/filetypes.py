"""The files coordinators send to the desk, by extension: one list for the router and the desk."""

from __future__ import annotations

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".et")  # workbooks to import (.xls/.et: asked to resave)
NOTICES = (".docx", ".txt", ".doc", ".wps", ".pdf")  # notices to parse (.doc/.wps: asked to resave)
DESK_FILES = SPREADSHEETS + NOTICES
