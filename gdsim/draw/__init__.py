"""Drawing: functions that take simulation results and return matplotlib Figures (object API only)."""
