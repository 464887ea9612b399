"""Matching: who fits whom. rules (ranking, pure), cohort (an admin's whole-cohort assignment, pure),
store (candidates as the rules see them, pairs not to suggest, cohort runs).
"""
