"""Server-rendered pages (Chinese first). Reads go through the same selectors as the API and
every write through a service; see frontend.pages for what all pages share."""
