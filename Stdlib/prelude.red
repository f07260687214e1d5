# red standard library: loaded at start. The paper's tasks as commands, and presets.
run "Stdlib/tasks.red"
