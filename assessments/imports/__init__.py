"""Importing HR's operational files: roster, surveys, complaints, efficiency, teamwork.

The pure layer (no database): `readers` turns a CSV or XLSX upload into a header and
streamed rows of text, `values` reads one cell, `kinds` knows each kind's columns and
checks each row into a record, `keys` finds natural keys repeated within a file, and
`templates` writes the blank files HR fills in. `problems` holds what can go wrong,
as data whose message is translated when it is read. The services build on this.
"""
