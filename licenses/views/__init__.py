"""The Licenses pages: on behalf of a customer (partner.py) and the customer's read-only view in the Admin
center (admin_center.py)."""
