"""python -m host.train.ray_sweep --address ADDR --trials FILE: the trials `hypertiny sweep --ray` hands over, one
Ray task each (one CPU, one trainer process). Each task trains into a temporary file on its node and returns the
checkpoint's text, which this driver writes where the sweep expects it; so a cluster needs the repository and the
dataset at the same paths on every node (a shared filesystem), not a shared results directory. Prints
`trial <checkpoint> exit <status>` per trial and progress lines; --address local starts a private local instance."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_trial(args, checkpoint):
    """Trainer run on a worker: (exit status, checkpoint text or None, tail of its log)."""
    with tempfile.TemporaryDirectory() as tmp:
        local = os.path.join(tmp, "checkpoint.json")
        argv = list(args)
        argv[argv.index("--checkpoint") + 1] = local
        env = dict(os.environ, PYTHONPATH=REPO, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        p = subprocess.run([sys.executable, "-m", "host.train", *argv], cwd=REPO, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        text = None
        if p.returncode == 0 and os.path.exists(local):
            with open(local) as f:
                text = f.read()
        return p.returncode, text, p.stdout[-20000:], checkpoint


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m host.train.ray_sweep", description=__doc__)
    ap.add_argument("--address", required=True)
    ap.add_argument("--trials", required=True)
    a = ap.parse_args(argv)
    try:
        import ray
    except ImportError:
        print(f"{sys.executable} has no ray: make a venv of Debian's python with /usr/bin/python3 -m venv "
              "--system-site-packages (it keeps python3-torch), "
              "pip install ray there, and set HYPERTINY_RAY_PYTHON to its python", file=sys.stderr)
        return 2
    with open(a.trials) as f:
        trials = json.load(f)
    env = {"env_vars": {"PYTHONPATH": REPO, "OPENBLAS_NUM_THREADS": "1"}}
    if a.address == "local":
        ray.init(runtime_env=env, include_dashboard=False, log_to_driver=False)
    else:
        ray.init(address=a.address, runtime_env=env, log_to_driver=False)
    task = ray.remote(num_cpus=1)(run_trial)
    pending = [task.remote(t["args"], t["checkpoint"]) for t in trials]
    started, done = time.time(), 0
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        status, text, log, checkpoint = ray.get(ready[0])
        trial = next(t for t in trials if t["checkpoint"] == checkpoint)
        with open(trial["log"], "w") as f:
            f.write(log)
        if text is not None:
            with open(checkpoint, "w") as f:
                f.write(text)
        done += 1
        print(f"[{done}/{len(trials)}] {os.path.basename(trial['log'])[:-4]}: {'done' if status == 0 else 'FAILED'} "
              f"({time.time() - started:.0f} s since the start)", flush=True)
        print(f"trial {checkpoint} exit {status}", flush=True)
    ray.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
