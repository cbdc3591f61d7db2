"""Import an awesome list: read its formats (`formats`, `links`, `cells`), turn entries into
record fields (`rows`), resolve names and sections (`registries`, `venues`), write (`write`)."""

from catalog.importing.write import ImportResult, import_list

__all__ = ["ImportResult", "import_list"]
