"""regionkit: per-region data quality, fine-tuning and accuracy gaps for models in new markets."""

__version__ = "0.1.0"
