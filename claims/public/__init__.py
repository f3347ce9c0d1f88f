"""The public fact-check pages: no login, server-rendered, read from claims.selectors."""
