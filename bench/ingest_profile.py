#!/usr/bin/env python3
"""The cost of report ingest in instructions and context switches, not seconds.

Submits a fixed number of reports (POST /api/v1/reports, the same bodies as
ingest_bench) over a fixed number of keep-alive connections to a fresh
server on loopback, and prints what the server process spent on them:
context switches (voluntary and involuntary, summed over its threads from
/proc/PID/task/*/status) and CPU time per report. With --callgrind the server
runs under `valgrind --tool=callgrind`; its counters are zeroed before the
submissions and dumped after them (callgrind_control --zero / --dump), so
the dump (FILE.1) holds the submissions alone; the instructions per report
are printed from it, and `callgrind_annotate FILE.1` lists where they went.
(Under callgrind the server's threads run one at a time: take the context
switches from a run without it.) Used for docs/ingest-profile.md; the figures on
a shared, noisy machine are stable because they do not depend on time.

  bench/ingest_profile.py --binary build/src/app/infrashare --data /tmp/p [--reports 3000]
                          [--connections 16] [--callgrind OUT.callgrind]

Works with any build whose admin API creates organizations, principals and
tokens as today's (so also the first builds of the project).
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time


def report_body(n):
    # ingest_bench's ReportBody, byte for byte.
    return ('{"kind":"attack_info","title":"bench %d","text":"load test report","sectors":["electric_power"],'
            '"systems":["ot"],"tlp":"green","audience":{"everyone":true},"route":"direct",'
            '"indicators":[{"type":"ipv4-addr","value":"198.51.100.7"}]}' % n)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(conn, method, target, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, target, body=body, headers=headers)
    res = conn.getresponse()
    return res.status, res.read()


def wait_ready(port, proc, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("the server exited early (exit %s)" % proc.returncode)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            status, _ = request(conn, "GET", "/healthz")
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("the server did not answer /healthz in %d s" % timeout)


def thread_counters(pid):
    """Sums of voluntary and involuntary context switches over pid's threads."""
    voluntary = involuntary = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                text = f.read()
        except OSError:
            continue
        voluntary += int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", text, re.M).group(1))
        involuntary += int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", text, re.M).group(1))
    return voluntary, involuntary


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def create_reporter(port, admin_token):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    steps = [
        ("/api/v1/admin/organizations",
         {"id": "bench-operator", "kind": "operator", "name_ja": "ベンチマーク電力株式会社",
          "name_en": "Benchmark Power Co.", "sectors": ["electric_power"], "ceptoars": ["electricity_ceptoar"]}),
        ("/api/v1/admin/principals",
         {"id": "bench-reporter", "organization": "bench-operator", "name": "Benchmark reporter",
          "roles": ["reporter"]}),
        ("/api/v1/admin/principals/bench-reporter/tokens", {"label": "ingest_profile"}),
    ]
    answer = None
    for target, body in steps:
        status, answer = request(conn, "POST", target, json.dumps(body), admin_token)
        if status not in (201, 409):
            sys.exit("POST %s answered %d: %s" % (target, status, answer[:300]))
    conn.close()
    return json.loads(answer)["token"]


def submit(port, token, numbers, failures):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    for n in numbers:
        status, body = request(conn, "POST", "/api/v1/reports", report_body(n), token)
        if status != 201:
            failures.append((status, body[:200]))
    conn.close()


def callgrind_instructions(path):
    """The total Ir of a callgrind output file (its `totals:` or `summary:` line)."""
    with open(path) as f:
        for line in f:
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the infrashare program")
    parser.add_argument("--data", required=True, help="a data directory to create (must not exist)")
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=200, help="reports submitted before measuring")
    parser.add_argument("--callgrind", help="run the server under callgrind, writing this file")
    args = parser.parse_args()

    if os.path.exists(args.data):
        sys.exit("%s exists; give a new directory" % args.data)
    init = subprocess.run([args.binary, "init", "--data", args.data], capture_output=True, text=True)
    if init.returncode != 0:
        sys.exit("init failed: %s%s" % (init.stdout, init.stderr))
    admin_token = init.stdout.strip().splitlines()[-1]

    port = free_port()
    argv = [args.binary, "serve", "--data", args.data, "--listen", "127.0.0.1:%d" % port]
    if args.callgrind:
        argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + args.callgrind,
                "--separate-threads=no"] + argv
    log = open(os.path.join(args.data, "profile-server.log"), "w")
    server = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_ready(port, server, 300 if args.callgrind else 30)
        token = create_reporter(port, admin_token)

        failures = []
        submit(port, token, range(10**6, 10**6 + args.warmup), failures)
        if args.callgrind:
            subprocess.run(["callgrind_control", "--zero", str(server.pid)], check=True,
                           stdout=subprocess.DEVNULL)
        before_switches = thread_counters(server.pid)
        before_cpu = cpu_seconds(server.pid)
        start = time.time()
        threads = [threading.Thread(target=submit,
                                    args=(port, token, range(c, args.reports, args.connections), failures))
                   for c in range(args.connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - start
        after_cpu = cpu_seconds(server.pid)
        after_switches = thread_counters(server.pid)
        if args.callgrind:
            subprocess.run(["callgrind_control", "--dump=submissions", str(server.pid)], check=True,
                           stdout=subprocess.DEVNULL)
        if failures:
            sys.exit("%d submissions failed; the first: %s" % (len(failures), failures[0]))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    n = args.reports
    print("reports           %d over %d connections (after %d warm-up reports), %.1f s" %
          (n, args.connections, args.warmup, elapsed))
    print("context switches  %.2f voluntary + %.2f involuntary per report" %
          ((after_switches[0] - before_switches[0]) / n, (after_switches[1] - before_switches[1]) / n))
    print("server CPU        %.1f µs per report%s" %
          ((after_cpu - before_cpu) * 1e6 / n, " (under callgrind)" if args.callgrind else ""))
    total = None
    if args.callgrind:
        dump = args.callgrind + ".1"
        total = callgrind_instructions(dump)
        if total is None:
            sys.exit("no totals in %s" % dump)
        print("instructions      %.0f per report (%d in all; callgrind_annotate %s)" % (total / n, total, dump))
    print("RESULT reports=%d connections=%d voluntary_cs_per_report=%.3f involuntary_cs_per_report=%.3f%s" %
          (n, args.connections, (after_switches[0] - before_switches[0]) / n,
           (after_switches[1] - before_switches[1]) / n,
           " instructions_per_report=%.0f" % (total / n) if total else ""))


if __name__ == "__main__":
    if shutil.which("valgrind") is None and "--callgrind" in sys.argv:
        sys.exit("valgrind is not installed")
    main()
