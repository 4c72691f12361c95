"""The machinery that builds the book: the registry of assets, their keys, the catalogue, the renderer, the CLI."""
