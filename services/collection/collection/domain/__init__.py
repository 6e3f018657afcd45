"""Collection's pure rules (standard library only, no I/O), one module per part of stage 1:
intake (notices, channels, tracking codes) and the modules that arrive with screening,
duplicates and candidate lists."""
