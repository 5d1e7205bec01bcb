"""Partner Center REST v1 (API.md section 2): customers, relationships, subscriptions, orders."""
