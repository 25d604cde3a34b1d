"""Signing labels: the platform's Ed25519 issuing keys, their commands and the public key set.

Private keys are stored encrypted (PKCS#8, ``TRACE_KEY_PASSPHRASE``) and never leave the
process that signs; the public halves are published at ``/.well-known/jwks.json``.
"""
