"""What comes in as files: the import workbook, published notices (.docx/.txt/PDF), and the guards that refuse hostile Office files before parsing."""
