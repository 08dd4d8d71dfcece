"""Loading: a dbt project's YAML files or dbt's manifest, read into the typed objects of `model`.

Everything that knows about files, YAML, Jinja and manifests lives here; nothing after this
stage opens a project file.
"""
