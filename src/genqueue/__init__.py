"""genqueue: long-running generation jobs with progress, retries, rate limits and cancel."""
