// The gate of a spare Python interpreter. The spare runs `python -S -c <boot>`: -S so that
// nothing of the workspace (a venv's .pth files, sitecustomize) runs before the job is due.
// Before the go byte it pays start-up: it takes the -c entry off sys.path and sets
// sys.flags.no_site back to 0 (children started from sys.flags, e.g. multiprocessing's, must
// not inherit a -S the command never had). At the go byte it answers `1`, runs `site` (which
// does just what start-up would, so .pth files an action installed are seen), puts sys.argv,
// sys.orig_argv and sys.path[0] as `-c`/`-m` set them, and runs the job in __main__: `-c` code
// compiled as `<string>`, `-m` through runpy._run_module_as_main as Python itself does. An
// uncaught exception is printed through sys.excepthook without the gate's own frames and exits
// 1, as Python's would.
//
// For `-m unittest` (PRELOADED) it also imports ahead, from the stdlib, runpy, unittest and
// what argparse imports on first use (~35 ms of the testing role's Validate). That is the same
// as a fresh start only if nothing that runs or is searched before them in a fresh start could
// change them, so the gate checks, by listing folders and reading .pth files and running none
// of them:
// - no .pth file that site will read has an `import` line, and no sitecustomize or
//   usercustomize exists on the path or in the folders site will add (either could install an
//   import hook, or patch a module, before unittest is imported);
// - nothing ahead of the stdlib on a fresh start's path (its cwd, PYTHONPATH) is named like a
//   module imported ahead (a `difflib.py` in the workspace would be imported instead);
// - every module imported ahead comes from the stdlib.
// It checks before importing ahead (and then imports nothing ahead when any fails) and again
// at the go byte, since the act ran in between: then it declines (exits without answering),
// and the command is spawned. A check that cannot be made (an unreadable file) declines too.
// Imported modules are never dropped: dropping them left a package half replaced
// (`collections` anew, `collections.abc` not, once a .pth had added an import hook), and
// pytest failed.
//
// What it imported ahead is then taken out of the collector's way (gc.collect, then
// gc.freeze): it lives until the exit anyway, and the interpreter's collections at exit would
// walk all of it again (the testing role's Validate in the 6-task plan took 15.4 ms with the
// freeze and 26.2 ms without, here). The job's own objects are collected as in a fresh start,
// in the run and at exit; only a garbage cycle among what was imported ahead would never be
// (Python does not promise such objects' __del__ at exit).

/** The file name of the gate's code object, whose frames are hidden from tracebacks. */
const GATE_FILE = '<codegod-spare>';

const GATE_SOURCE = String.raw`
import sys

# The -m targets imported ahead, with the other stdlib modules every run of them imports
# (argparse, which unittest.main runs, imports shutil and locale when it is first used).
PRELOADED = {'unittest': ('runpy', 'unittest', 'shutil', 'locale')}

def _main(job):
    import os
    # What follows mirrors CPython 3.11+ (and pokes at its sys.flags); elsewhere no spare.
    if sys.implementation.name != 'cpython' or sys.version_info < (3, 11):
        os._exit(0)
    kind, target, rest = job[0], job[1], job[2:]
    if not sys.flags.safe_path:
        sys.path.pop(0)
    try:
        ahead = _import_ahead(kind, target)
    except Exception:
        ahead = set()  # whatever it imported stays; the go byte declines
    startup = set(sys.modules)
    import ctypes
    flags = sys.flags
    slot = id(flags) + type(flags).__basicsize__
    slot += type(flags).__match_args__.index('no_site') * type(flags).__itemsize__
    ctypes.py_object.from_address(slot).value = 0
    if ahead:  # frozen, so the collections at exit skip what was imported ahead
        import gc
        gc.collect()
        gc.freeze()
    for name in set(sys.modules) - startup:
        del sys.modules[name]
    if sys.flags.no_site:
        os._exit(0)
    os.set_blocking(3, True)
    if os.read(3, 1) != b'g':
        os._exit(0)
    if ahead is not None and not (ahead and _still_same(ahead)):
        os._exit(0)
    os.write(3, b'1')
    os.close(3)
    if 'site' in sys.modules:  # imported ahead, under -S: its main() is due
        sys.modules['site'].main()
    else:
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

def _import_ahead(kind, target):
    # None: nothing imported ahead. Otherwise the names of the modules imported ahead, or an
    # empty set when they are not the stdlib's (the go byte then declines).
    if kind != '-m' or target not in PRELOADED:
        return None
    import site  # under -S its main() does not run; the go byte runs it
    if not _fresh_start_same({target}):
        return None
    before = set(sys.modules)
    for name in PRELOADED[target]:
        __import__(name)
    ahead = set(sys.modules) - before
    import os
    stdlib = os.path.dirname(os.__file__) + os.sep
    for name in ahead:
        path = getattr(sys.modules[name], '__file__', None)
        if path is not None and not path.startswith(stdlib):
            return set()
    return ahead | set(PRELOADED[target])

def _still_same(names):
    try:
        return _fresh_start_same(names)
    except Exception:
        return False

def _fresh_start_same(names):
    # Whether a fresh start would import the modules 'names' as they are imported ahead here.
    import os, site
    stdlib = os.path.dirname(os.__file__)
    tops = {name.partition('.')[0] for name in names}
    searched_first = [] if sys.flags.safe_path else [os.getcwd()]
    for entry in sys.path:
        if entry == stdlib:
            break
        searched_first.append(entry)
    for folder in searched_first:
        if os.path.isfile(folder):
            return False
        if any(entry.partition('.')[0] in tops for entry in _listing(folder)):
            return False
    folders = list(sys.path)
    for site_dir in _site_dirs(site):
        folders.append(site_dir)
        for name in sorted(_listing(site_dir)):
            if not name.endswith('.pth'):
                continue
            try:
                with open(os.path.join(site_dir, name), 'rb') as pth:
                    lines = pth.read().decode('latin-1').splitlines()
            except OSError:
                return False
            for line in lines:
                if line.startswith(('import ', 'import\t')):
                    return False
                if line.strip() and not line.startswith('#'):
                    folders.append(os.path.join(site_dir, line.rstrip()))
    for folder in folders:
        for entry in _listing(folder):
            if entry.partition('.')[0] in ('sitecustomize', 'usercustomize'):
                return False
    return True

def _site_dirs(site):
    # The folders site.main() reads .pth files in (a superset when unsure): a venv's own
    # site-packages when its pyvenv.cfg leaves out the system's; else every prefix's and the
    # user's (as site.venv() decides).
    import os
    exe_dir = os.path.dirname(os.path.abspath(sys.executable))
    site_prefix = os.path.dirname(exe_dir)
    for config in (os.path.join(exe_dir, 'pyvenv.cfg'), os.path.join(site_prefix, 'pyvenv.cfg')):
        if os.path.isfile(config):
            system_site = 'true'
            with open(config, encoding='utf-8') as lines:
                for line in lines:
                    key, equals, value = line.partition('=')
                    if equals and key.strip().lower() == 'include-system-site-packages':
                        system_site = value.strip().lower()
            if system_site != 'true':
                return site.getsitepackages([site_prefix])
            break
    prefixes = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix, site_prefix]
    return [*site.getsitepackages(list(dict.fromkeys(prefixes))), site.getusersitepackages()]

def _listing(folder):
    import os
    try:
        return os.listdir(folder or '.')
    except OSError:
        return ()

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
