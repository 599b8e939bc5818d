// @codegod/fleet: the process wiring of codegod (issue #14 moves it here from orchestrator).
export {};
