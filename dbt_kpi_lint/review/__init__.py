"""Reviewing: what a change does to each KPI (before and after of every definition its number
depends on), and the certification of KPIs by a fingerprint of those definitions."""
