"""The app teams' web application: sign in, ask, and watch the governed answer (or the block) arrive.

One ASGI app (FastAPI) per instance. It submits prompts to Kafka and follows their outcomes with one
background read_committed consumer; any instance can serve any request id, because each reads the
topics itself. See docs/web.md.
"""
