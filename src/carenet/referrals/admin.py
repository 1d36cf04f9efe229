"""Nothing of the referrals app is registered in Django admin, on purpose.

Clients, consents and referrals hold data about people seeking mental-health help. The admin
would show decrypted fields to superusers outside the audited, consent-aware pages of this
app (see README.md). Operators use those pages; data fixes go through `services.py`.
"""
