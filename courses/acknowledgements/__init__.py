"""The confidentiality acknowledgement (manual 8.1.5, 8.2.1): staff read the information-security
text and acknowledge it; HR sees who has not."""
