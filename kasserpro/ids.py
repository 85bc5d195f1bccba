"""Bounds of the ids a request may name.

Ids are 64-bit signed integers in the database; a larger number typed into
a form or a body would overflow the SQLite driver instead of being refused.
"""

ID_MAX = 2**63 - 1
