"""CLI command modules: each registers one thin command on the Typer app."""
