# gdb reads this file when started in this directory, if allowed:
# add `add-auto-load-safe-path /path/to/aioli/.gdbinit` to ~/.gdbinit.
# It loads the task commands (aioli ps, pstree, where, tick, break-tick);
# see docs/src/09-debugging.md.
source gdb/aioli_gdb.py
