"""Documents the platform issues: the appendix of results tables and a unit's analysis report.

Pure Python (no Django): the web (`dti.reports`) and the `dti report` command both build the
same documents from the same inputs, a published snapshot (`dti.results.snapshot`; the CLI
makes one from a framework and a results file with `snapshot_of_results`).

- `content`: the document model. A `Document` is a heading (the administrative header block
  of Nghị định 30/2020) and a sequence of blocks (paragraphs, tables, images); an appendix's
  tables are also written to Excel one sheet each.
- `appendix`: a snapshot → the appendix `Document` (overall table and one table per index, per
  ranking group); `xlsx`: the appendix as a workbook (also readable by `dti rank`/`dti check`).
- `report`: one unit's analysis report as a `Document`; `charts`: its charts as PNG.
- `docx`, `pdf`: any `Document` rendered in the administrative format.
"""
