"""The page's served PDF copies live in library/served_files.py (the MCP server links to them too)."""

from library.served_files import SERVED_FOLDER, prune_served_pdfs, served_pdf_url, served_subfolder

__all__ = ["SERVED_FOLDER", "prune_served_pdfs", "served_pdf_url", "served_subfolder"]
