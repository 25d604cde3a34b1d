"""The people pages: the list, inviting, changing an account, links, and the bulk import."""

from trace.people.views import bulk, links, manage, people  # noqa: F401 (register the routes)
from trace.people.views.common import blueprint

__all__ = ["blueprint"]
