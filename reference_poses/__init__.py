"""The shipped pose templates (one TOML file per pose), installed as poseguide.reference_poses."""
