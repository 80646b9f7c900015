"""What the server serves: resources, their versions, CRDs, and the object metadata they share.

Mirrors ``k8s.io/apiserver/pkg/registry`` (the generic registry and ``rest`` strategies) and
apiextensions-apiserver's CRD registry: ``registry`` lists every served resource, ``crds``
establishes and cleans up custom resource definitions, ``conversion`` turns the stored form into
the version asked for, and ``meta`` holds the ObjectMeta rules (uids, timestamps, generateName,
generation). Nothing is imported here, so importing one module does not load the rest.
"""
