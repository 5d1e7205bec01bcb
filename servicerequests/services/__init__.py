"""Every write of service requests (servicerequests.services.requests, .comments); the views, the demo and a
later API call these."""

from servicerequests.services.comments import comment_add_customer, comment_add_partner
from servicerequests.services.requests import service_request_assign, service_request_create, service_request_status_set

__all__ = ["comment_add_customer", "comment_add_partner", "service_request_assign", "service_request_create",
           "service_request_status_set"]
