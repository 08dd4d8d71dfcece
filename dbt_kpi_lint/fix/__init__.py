"""Fixing: edits of the user's YAML files that keep every byte the edit is not about."""
