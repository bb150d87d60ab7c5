"""Great Expectations suites, localization checks, cleaning and quarantine."""
