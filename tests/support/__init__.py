"""Helpers shared by the test suites (server processes, PostgreSQL databases)."""
