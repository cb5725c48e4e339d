"""A tiny test reporter shared by the integration and e2e layers.

Each check prints `ok - NAME` or `not ok - NAME: REASON`; summary() prints
the layer's closing line `LAYER: N passed, N failed[, N skipped]`, which
scripts/test.sh adds up.
"""
import sys


class Report:
    def __init__(self, layer):
        self.layer = layer
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def check(self, name, cond, why=""):
        if cond:
            self.passed += 1
            print(f"ok - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok - {name}" + (f": {why}" if why else ""), flush=True)
        return cond

    def skip(self, name, why):
        self.skipped += 1
        print(f"skip - {name}: {why}", flush=True)

    def summary(self):
        line = f"{self.layer}: {self.passed} passed, {self.failed} failed"
        if self.skipped:
            line += f", {self.skipped} skipped"
        print(line, flush=True)
        return 1 if self.failed else 0


def die(report, name, why):
    report.check(name, False, why)
    sys.exit(report.summary())
