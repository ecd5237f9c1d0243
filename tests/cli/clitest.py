"""Tiny harness for the CLI tests: each test_* function runs the real binary; a summary line
'N passed, N failed' closes the run."""
import argparse
import json
import subprocess
import sys
import traceback


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--root", required=True)
    return ap.parse_args()


def run(binary, *args, stdin=None, timeout=300):
    return subprocess.run([binary, *args], input=stdin, capture_output=True, timeout=timeout)


def json_lines(data):
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def main(tests):
    args = parse_args()
    passed = failed = 0
    for name, fn in tests:
        try:
            fn(args.binary, args.root)
            passed += 1
            print(f"ok   {name}")
        except Exception:  # report every failure, keep going
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
