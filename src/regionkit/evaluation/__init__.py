"""Per-region metrics, gaps, confidence intervals and significance."""
