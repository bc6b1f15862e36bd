"""The Redis store: the distributed mode, on one Redis server or a Redis Cluster."""

from genqueue.stores.redis.store import RedisStore

__all__ = ["RedisStore"]
