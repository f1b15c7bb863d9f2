"""Deployment tests (a package, so module names never clash with other test folders)."""
