"""Plumbing every app uses: caches, page routing, search, middleware, health, files, exports."""
