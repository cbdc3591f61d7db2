"""Renderers: pure functions from Papers to the README, the site and the exports."""
