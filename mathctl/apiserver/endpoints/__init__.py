"""The HTTP front and the verbs: routing, decoding, handlers, patch types and responses.

Mirrors ``k8s.io/apiserver/pkg/endpoints`` (``handlers/``, ``discovery/``, ``openapi/``,
``handlers/responsewriters``) with the pieces of apimachinery it leans on: ``app`` routes a path
to a verb, ``handlers`` creates, gets, lists, updates, patches and deletes, ``patch`` and
``strategic`` are the JSON/merge and strategic-merge patch types, ``decode``, ``gotypes`` and
``listoptions`` read what a client sent, ``errors`` writes ``Status`` bodies, and ``tables`` and
``printers`` answer ``kubectl get``'s Table requests. Nothing is imported here, so importing one
module does not load the rest.
"""
