"""Property tests over hostile input: every importer, data file and command-line value."""
