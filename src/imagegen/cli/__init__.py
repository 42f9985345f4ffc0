"""The ``imagegen`` command."""
