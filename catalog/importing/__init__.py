"""Import an awesome list: read its formats (`formats`, `items`, `links`, `cells`), turn entries
into record fields (`rows`), decide identity (`repeats`), resolve names and sections
(`registries`, `venues`), write (`write`)."""

from catalog.importing.result import ImportResult
from catalog.importing.write import import_list

__all__ = ["ImportResult", "import_list"]
