"""Interoperate with the SIPRI Arms Transfers Database: read its trade register, import a
release as dated knowledge, and write programmes back in its layout."""
