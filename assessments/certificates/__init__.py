"""Certificates: issuing, rendering as PDF, printing, verification and expiry."""
