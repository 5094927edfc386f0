"""SMS: an outbox written in the caller's transaction and a provider port (46elks style).

Like `admin_portal.mail`, this layer knows no capability. Without provider settings the
messages stay in the local outbox (table ``sms_outbox``, status ``local``).
"""
