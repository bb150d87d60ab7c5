"""Pull annotated tasks from Label Studio servers and export files into snapshots."""
