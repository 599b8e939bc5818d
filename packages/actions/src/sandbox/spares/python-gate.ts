// The gate of a spare Python interpreter. The spare runs `python -S -c <boot>`: -S so that
// nothing of the workspace (a venv's .pth files, sitecustomize) runs before the job is due.
// Before the go byte it only pays start-up: it takes the -c entry off sys.path and sets
// sys.flags.no_site back to 0 (children started from sys.flags, e.g. multiprocessing's, must
// not inherit a -S the command never had). It imports nothing ahead but `os`, which start-up
// imports before any .pth file too: a module imported ahead and dropped later left its package
// half replaced (`collections` anew, `collections.abc` not, once a .pth added an import hook).
// At the go byte it answers `1`, imports `site` (which runs site.main() just as start-up
// would, so .pth files an action installed are seen), puts sys.argv, sys.orig_argv and
// sys.path[0] as `-c`/`-m` set them, and runs the job in __main__: `-c` code compiled as `<string>`, `-m` through
// runpy._run_module_as_main as Python itself does. An uncaught exception is printed through
// sys.excepthook without the gate's own frames and exits 1, as Python's would.

/** The file name of the gate's code object, whose frames are hidden from tracebacks. */
const GATE_FILE = '<codegod-spare>';

const GATE_SOURCE = String.raw`
import sys

def _main(job):
    import os
    # What follows mirrors CPython 3.11+ (and pokes at its sys.flags); elsewhere no spare.
    if sys.implementation.name != 'cpython' or sys.version_info < (3, 11):
        os._exit(0)
    kind, target, rest = job[0], job[1], job[2:]
    if not sys.flags.safe_path:
        sys.path.pop(0)
    startup = set(sys.modules)
    import ctypes
    flags = sys.flags
    slot = id(flags) + type(flags).__basicsize__
    slot += type(flags).__match_args__.index('no_site') * type(flags).__itemsize__
    ctypes.py_object.from_address(slot).value = 0
    for name in set(sys.modules) - startup:
        del sys.modules[name]
    if sys.flags.no_site:
        os._exit(0)
    os.set_blocking(3, True)
    if os.read(3, 1) != b'g':
        os._exit(0)
    os.write(3, b'1')
    os.close(3)
    import site
    if not sys.flags.safe_path:
        sys.path.insert(0, '' if kind == '-c' else os.getcwd())
    sys.orig_argv[:] = [sys.orig_argv[0], *job]
    sys.argv[:] = [kind, *rest]
    import __main__
    try:
        if kind == '-c':
            exec(compile(target + '\n', '<string>', 'exec', dont_inherit=True), __main__.__dict__)
        else:
            import runpy
            runpy._run_module_as_main(target, True)
    except SystemExit:
        raise
    except BaseException as error:
        tb = error.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == ${JSON.stringify(GATE_FILE)}:
            tb = tb.tb_next
        error.__traceback__ = tb
        sys.last_type, sys.last_value, sys.last_traceback = type(error), error, tb
        if hasattr(sys, 'last_exc'):
            sys.last_exc = error
        sys.excepthook(type(error), error, tb)
        if isinstance(error, KeyboardInterrupt):
            _die_of_sigint()
        raise SystemExit(1)

def _die_of_sigint():
    import atexit, os, signal
    threading = sys.modules.get('threading')
    if threading is not None:
        threading._shutdown()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
`;

/**
 * The arguments that start a spare Python for `args` (`-c <code> …` or `-m <module> …`), or
 * undefined for any other form (options before -c/-m), which has no spare.
 */
export function pythonSpareArgs(args: readonly string[]): string[] | undefined {
  const [kind, target] = args;
  if ((kind !== '-c' && kind !== '-m') || target === undefined) return undefined;
  const job = JSON.stringify(args);
  const source = `${GATE_SOURCE}\n_main(${job})\n`;
  const boot = `exec(compile(${JSON.stringify(source)}, ${JSON.stringify(GATE_FILE)}, 'exec'), {'__name__': '__codegod_spare__'})`;
  return ['-S', '-c', boot];
}
