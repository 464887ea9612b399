"""Matching and requests: who fits whom (rules, cohort: pure; store), finding a mentor and her request's
life (find, flow: use cases), and what they tell whom (notices, mentor_card, introduction).
"""
