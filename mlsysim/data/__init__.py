"""Datasets shipped with the package (validation measurements)."""
