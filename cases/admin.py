# Case data is deliberately not in the Django admin: the admin would bypass the child policy
# (every read of a child goes through cases.policies and is logged). Administrators manage people,
# agencies and API clients there; children are reached only through the hub's pages and API.
