"""Reports: figures, the offline dashboard and the tables workbook."""
