"""Opportunities: olympiads, schools, scholarships, internships, events and competitions that fit her.
Admins import them from a file; she browses, saves, is reminded of deadlines and asked if she applied."""
