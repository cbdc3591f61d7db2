"""catalog: a curated catalog of research papers as validated YAML records plus a build."""

__version__ = "0.1.0"
