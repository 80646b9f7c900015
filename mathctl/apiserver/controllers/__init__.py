"""The controllers a real cluster runs in kube-controller-manager, run here beside the server.

Mirrors ``k8s.io/kubernetes/pkg/controller``: ``gc`` is the garbage collector
(``pkg/controller/garbagecollector``, ownerReferences), ``namespaces`` the namespace deletion
controller (``pkg/controller/namespace``), and ``queueing`` their de-duplicating work queue
(client-go's ``util/workqueue``). Nothing is imported here, so importing one module does not
load the rest.
"""
