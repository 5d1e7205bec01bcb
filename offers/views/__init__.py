"""Advisor offers' pages: the partner's (views.partner) and the customer's in the Admin center (views.customer)."""
