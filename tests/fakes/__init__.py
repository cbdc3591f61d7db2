"""Local fakes of outside APIs, in their real shapes (not test modules)."""
