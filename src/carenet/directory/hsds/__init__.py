"""Open Referral HSDS 3.0: the `/hsds/` API, the data package export and the importer.

`out` renders our records as HSDS objects, `api` serves them, `exchange` writes and reads the
JSON document and the tabular data package, `loader` checks and writes imported rows.
The schema files beside this package are verbatim copies of the official specification
(see SOURCE.md).
"""
