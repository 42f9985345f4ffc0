"""Jobs: the persistent store every request goes through, and the worker pool that runs them."""
