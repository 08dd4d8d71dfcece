"""Configuration: the settings of a run, from a configuration file and the command line."""
