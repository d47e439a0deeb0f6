"""Notebook skin: magics, rich displays and widgets."""
