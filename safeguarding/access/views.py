"""Base classes that route every page and endpoint through a policy.

Subclasses name a ``policy``; they shape querysets through ``shape_queryset`` and may not override
``get_queryset`` or ``get_object`` (``__init_subclass__`` refuses), so skipping the policy is a
visible act: inherit from a plain Django view instead, and a reviewer will ask why.
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import viewsets

from .context import AccessContext
from .policies import Policy

_SEALED = ("get_queryset", "get_object")


def _seal(cls, base):
    if cls.__dict__.get("abstract"):
        return
    for name in _SEALED:
        # what the class resolves to, not just its own __dict__: a mixin earlier in the MRO, a Django view
        # listed before the base, or an abstract intermediate could otherwise replace the policy's version
        if getattr(cls, name) is not base.__dict__[name]:
            raise TypeError(f"{cls.__name__} overrides {name}; shape the queryset in shape_queryset instead")
    policy = getattr(cls, "policy", None)
    if not isinstance(policy, Policy):
        raise ImproperlyConfigured(f"{cls.__name__} must set policy to a Policy instance")


class PolicyViewMixin:
    """For Django class-based views. ``lookup_url_kwarg`` holds the record's public id."""

    abstract = True
    policy: Policy = None
    action = "view"
    lookup_url_kwarg = "public_id"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _seal(cls, PolicyViewMixin)

    @property
    def access(self) -> AccessContext:
        return self.request.access

    def shape_queryset(self, qs):
        return qs

    def get_queryset(self):
        return self.shape_queryset(self.policy.visible(self.access, self.action))

    def get_object(self, queryset=None):
        obj = self.policy.get_for(
            self.access, self.kwargs[self.lookup_url_kwarg], self.action, queryset=self.shape_queryset(
                self.policy.model._default_manager.all()
            ),
        )
        return obj


class PolicyViewSet(viewsets.GenericViewSet):
    """For DRF. The access context is built after authentication (token or session)."""

    abstract = True
    policy: Policy = None
    lookup_field = "public_id"
    action_map_to_policy = {"list": "view", "retrieve": "view", "update": "edit", "partial_update": "edit"}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _seal(cls, PolicyViewSet)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = AccessContext.for_user(request.user)

    def policy_action(self) -> str:
        return self.action_map_to_policy.get(self.action, self.action)

    def shape_queryset(self, qs):
        return qs

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.policy.model._default_manager.none()
        return self.shape_queryset(self.policy.visible(self.access, "view"))

    def get_object(self):
        obj = self.policy.get_for(
            self.access, self.kwargs[self.lookup_field], self.policy_action(),
            queryset=self.shape_queryset(self.policy.model._default_manager.all()),
        )
        return obj
