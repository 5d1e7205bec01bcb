"""Views of relationship requests, by concern: the partner side (`partner`), the customer's page of a
link with accepting and declining (`acceptance`), the customer sign-up on that page (`signup`) and what
every link page shares (`link`: the rate-limited not-found answer). URL names are in invitations/urls.py
and partnercenter/urls.py."""
