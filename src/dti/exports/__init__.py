"""Everything of a campaign as XLSX and CSV, for organisers."""
