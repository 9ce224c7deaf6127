"""The weekly mechanisms, one module per ODD submodel (see docs/ODD.md, section 7)."""
