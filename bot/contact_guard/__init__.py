"""Contact details in text relayed between a mentee and a mentor (item 5 of issue 14).

To or from a minor such a message is held back and flagged to admins; between adults, Share my contact.
"""
