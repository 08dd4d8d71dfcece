"""What a KPI is, below every stage that reads, judges, generates or reviews one.

Its fields read from meta (`fields`, `values`), the grains and their calendar (`calendar`), the
schedule of dated targets (`target_schedule`), the semantic manifest dbt would compile from the
YAML (`semantic_manifest`, `definitions`), the fingerprint of a definition and its certification
(`definition_fingerprint`, `certification`), and the fingerprint a generated model records
(`generated_fingerprint`). Plain Python over the loaded project: no dbt, MetricFlow or warehouse.
"""
