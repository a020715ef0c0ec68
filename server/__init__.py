"""Papersearch where researchers work: an MCP server and a local JSON API over one library.

`server.service.LibraryService` answers every call from one warm searcher; the MCP tools
(server/mcp_tools.py) and the HTTP app (server/http_app.py: /mcp and /api/*) are its two faces.
Top layer beside ui: it imports library, search, export and below; only the edges import it.
Nothing is imported here, so `cli.py mcp` (stdio) does not pay for the HTTP stack.
"""
