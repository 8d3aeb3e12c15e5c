"""Excel round-trip for units: the self-assessment workbook downloaded prefilled, filled offline and uploaded back."""
