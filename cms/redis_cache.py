"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Why: ``django.core.cache.backends.redis`` builds a new ``redis.Redis`` object (and its response-callback
tables) for every cache operation; a signed-in learner API call makes three or four (session, user,
content), and that construction was a visible part of its cost. The client is thread-safe and its pool
is already shared, so reusing it changes nothing else.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class GesteRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
