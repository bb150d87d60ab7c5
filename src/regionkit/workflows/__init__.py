"""Workflow files and the pipeline that chains sync, validate, train and evaluate."""
