"""The job model, its policies, the `Store` protocol and the `Engine` that applies every rule.

Nothing here knows which store runs underneath.
"""
