"""The service catalogue as platform staff manage it (issue 14): admins only order."""
