"""Admin center → Partner relationships (the customer side of F10): every partner of the organisation
with its relationships and admin permissions; "Remove delegated admin" and "Reassign admin permissions"."""
