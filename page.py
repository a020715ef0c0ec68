"""The page as README starts it: app.py, plus a route that serves the library's PDFs themselves.

    streamlit run page.py -- --library DIR [--index DIR] [--model NAME] [--zotero DATA_DIR]

`papers/<token>/<file name>` answers with the PDF the page linked under that token (its content
hash; library/served_files.py keeps which), inline, under its own name: no copy in the code's
folder. Anything else is 404. `streamlit run app.py` still works; its PDFs are then served as
copies from static/.
"""

from __future__ import annotations

import streamlit as st
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from library.served_files import PAPERS_ROUTE, install_route, registered_pdf


async def library_pdf(request: Request) -> Response:
    path = registered_pdf(request.path_params["token"], request.path_params["name"])
    if path is None:
        return PlainTextResponse("Not a PDF this page has linked (or it is gone): search again.", status_code=404)
    return FileResponse(path, media_type="application/pdf", filename=path.name, content_disposition_type="inline",
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


install_route()
app = st.App("app.py", routes=[Route(f"/{PAPERS_ROUTE}/{{token}}/{{name}}", library_pdf, methods=["GET", "HEAD"])])
