"""STEMinist Mentor Bot: mentors and stories for girls and women in STEM in Kyrgyzstan."""
