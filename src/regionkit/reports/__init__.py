"""Terminal, HTML, Markdown and JSON reports."""
