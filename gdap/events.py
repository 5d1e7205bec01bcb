"""Activity kinds of the gdap app. Every state change of a relationship is recorded in the partner's log
and, once the customer is known, in the customer's too (the same kind and data in both).

Data every relationship entry carries: relationship_id, name (display name), partner, partner_id and
(when known) customer, customer_id. This is the hook for mail: a subscriber (partnercenter.events.subscribe)
on these kinds runs inside the change's transaction and may write outbox mails."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class GdapEvents(EventKinds):
    CREATED = EventKind("gdap.created", _("Admin relationship created"),
                        _("Admin relationship %(name)s created by %(partner)s."))
    UPDATED = EventKind("gdap.updated", _("Admin relationship changed"),
                        _("Admin relationship %(name)s changed (%(fields)s)."))
    DELETED = EventKind("gdap.deleted", _("Admin relationship deleted"),
                        _("Admin relationship %(name)s deleted before approval was requested."))
    APPROVAL_REQUESTED = EventKind("gdap.approval_requested", _("Admin relationship sent for approval"),
                                   _("Admin relationship %(name)s awaits the approval of %(customer)s."))
    APPROVAL_SUBMITTED = EventKind("gdap.approval_submitted", _("Admin relationship approval submitted"),
                                   _("%(customer)s approved admin relationship %(name)s; it is being activated."))
    APPROVED = EventKind("gdap.approved", _("Admin relationship approved"),
                         _("Admin relationship %(name)s between %(partner)s and %(customer)s is active until "
                           "%(end)s."))
    APPROVAL_FAILED = EventKind("gdap.approval_failed", _("Admin relationship approval refused"),
                                _("The approval of admin relationship %(name)s was refused (%(reason)s)."))
    REJECTED = EventKind("gdap.rejected", _("Admin relationship rejected"),
                         _("%(customer)s rejected admin relationship %(name)s."))
    TERMINATION_REQUESTED = EventKind("gdap.termination_requested", _("Admin relationship termination requested"),
                                      _("Termination of admin relationship %(name)s was requested."))
    TERMINATED = EventKind("gdap.terminated", _("Admin relationship terminated"),
                           _("Admin relationship %(name)s was terminated."))
    GLOBAL_ADMIN_REMOVED = EventKind("gdap.global_admin_removed", _("Global Administrator removed"),
                                     _("Global Administrator was removed from admin relationship %(name)s."))
    # For the expiry sweep (issue 10, section 4).
    EXPIRING = EventKind("gdap.expiring", _("Admin relationship expiring"),
                         _("Admin relationship %(name)s ends on %(end)s."))
    EXPIRED = EventKind("gdap.expired", _("Admin relationship expired"),
                        _("Admin relationship %(name)s expired."))
    EXTENDED = EventKind("gdap.extended", _("Admin relationship extended"),
                         _("Admin relationship %(name)s was extended automatically until %(end)s."))
    # Access assignments.
    ASSIGNMENT_CREATED = EventKind("gdap.assignment_created", _("Security group assigned"),
                                   _("Security group %(group)s was given roles in admin relationship %(name)s."))
    ASSIGNMENT_UPDATED = EventKind("gdap.assignment_updated", _("Security group roles changed"),
                                   _("The roles of security group %(group)s in admin relationship %(name)s changed."))
    ASSIGNMENT_DELETED = EventKind("gdap.assignment_deleted", _("Security group removed"),
                                   _("Security group %(group)s was removed from admin relationship %(name)s."))
    # The approval link (links.kinds "gdap_approval"; recorded in the partner's log).
    LINK_CREATED = EventKind("gdap.link_created", _("Approval link created"),
                             _("Approval link …%(last4)s created."))
    LINK_SENT = EventKind("gdap.link_sent", _("Approval link sent"), _("Approval link …%(last4)s emailed."))
    LINK_RESENT = EventKind("gdap.link_resent", _("Approval link resent"),
                            _("Approval link re-issued; the old link …%(old_last4)s no longer works."))
    LINK_REVOKED = EventKind("gdap.link_revoked", _("Approval link revoked"), _("Approval link …%(last4)s revoked."))
    LINK_EXPIRED = EventKind("gdap.link_expired", _("Approval link expired"), _("Approval link …%(last4)s expired."))


class SecurityGroupEvents(EventKinds):
    GROUP_CREATED = EventKind("gdap.group_created", _("Security group created"),
                              _("Security group %(group)s created."))
    GROUP_UPDATED = EventKind("gdap.group_updated", _("Security group changed"),
                              _("Security group %(group)s changed."))
    GROUP_DELETED = EventKind("gdap.group_deleted", _("Security group deleted"),
                              _("Security group %(group)s deleted."))
    MEMBER_ADDED = EventKind("gdap.member_added", _("Security group member added"),
                             _("%(email)s was added to security group %(group)s."))
    MEMBER_REMOVED = EventKind("gdap.member_removed", _("Security group member removed"),
                               _("%(email)s was removed from security group %(group)s."))
    TEMPLATE_CREATED = EventKind("gdap.template_created", _("Role template created"),
                                 _("Role template %(template)s created."))
    TEMPLATE_UPDATED = EventKind("gdap.template_updated", _("Role template changed"),
                                 _("Role template %(template)s changed."))
    TEMPLATE_DELETED = EventKind("gdap.template_deleted", _("Role template deleted"),
                                 _("Role template %(template)s deleted."))
