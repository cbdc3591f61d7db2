"""Scripts that print figures: synthetic catalogs and stage timings (not part of the tests)."""
