from rest_framework.permissions import SAFE_METHODS, BasePermission

from conference.access import access_of


class RolePermission(BasePermission):
    """A view names the roles that may read it (`read_roles`) and change through it (`write_roles`).
    Which rows a permitted role sees is the view's scope (conference.access), and outside it is 404."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method.lower() not in view.http_method_names or not hasattr(view, request.method.lower()):
            return True  # the view answers 405 Method Not Allowed, which tells the caller more than 403
        access = access_of(request.user)
        reading = request.method in SAFE_METHODS
        roles = getattr(view, "read_roles" if reading else "write_roles", frozenset())
        if access.role in roles:
            return True
        who = f"Your role ({access.role.label})" if access.role else "A user without a Convoy role"
        self.message = f"{who} may not {'read' if reading else 'do'} this."
        return False
