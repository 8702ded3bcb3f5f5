"""Checks in a real browser (headless Chromium); skipped where none is installed."""
