"""The ``wirepy`` command line: one module per job."""
