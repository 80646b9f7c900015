"""The embedded Kubernetes API server: its own process, spoken to over HTTP like a real one.

``python -m mathctl.apiserver`` runs it; ``lifecycle`` is ``mathctl up/down/status/reset``;
``testing.EmbeddedServer`` gives tests and notebooks a private one. Nothing here is imported by
the server process beyond what it needs, so it starts fast.
"""
