"""Every protected read of the CoP app: objects the user may not reach are "not found"."""
