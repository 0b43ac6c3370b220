#!/usr/bin/env python3
"""Tsunagu and Synapse side by side on this machine, the same two operations on the same data.

Both servers get one group/room of POSTS messages and its members, seeded once and kept under
target/bench/ (Synapse 1.163.2 is installed from PyPI into a venv there). Each measured run starts
the server on a fresh copy of that seeded database, so every run sees the same data, and drives
it with `wrk -t1` on loopback:

  read  GET the latest 50 messages (Tsunagu: /groups/{id}/posts?limit=50,
        Synapse: /rooms/{id}/messages?dir=b&limit=50)
  send  one message with a fresh idempotency key / txnId per request (Tsunagu: POST with
        Idempotency-Key, Synapse: PUT .../send/m.room.message/{txnId})

at 16 and 64 connections, RUNS runs of SECS seconds per cell (medians printed), and prints req/s,
p50, p99, the ratio Tsunagu/Synapse of req/s, and the CPU seconds the server and wrk used (the
machine has few cores: wrk's share is the server's loss). Then, while 16 connections send to
Tsunagu, a member's open event stream measures how late each new post arrives (p50/p99/max).

Figures only: nothing here passes or fails on a number. Both servers run on SQLite, their
single-machine default; Synapse with its rate limits lifted and presence off, so it is measured
and not its throttles.
"""

import argparse
import calendar
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, "target", "bench")
SYNAPSE_VERSION = "1.163.2"
BODY = "バイタル安定。BP 128/74、SpO2 97%。次回訪問は金曜です。"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method, url, body=None, token=None, headers=None, timeout=60):
    """One HTTP request; returns (status, parsed JSON or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, None


def wait_until_up(url, proc, within=120):
    deadline = time.time() + within
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited while starting (status {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {within} s")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(pid):
    """User + system CPU seconds of a process and its reaped children."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime are fields 14-17 (1-based), 12-15 after the comm split.
    return sum(int(v) for v in fields[11:15]) / CLK_TCK


def run_wrk(url, conns, secs, script, token, server_pid):
    """One wrk run; returns req/s, p50 and p99 in ms, non-2xx count and CPU seconds."""
    cpu_before = cpu_seconds(server_pid)
    out = subprocess.run(
        ["/usr/bin/time", "-f", "cpu %U %S", "wrk", "-t1", f"-c{conns}", f"-d{secs}s",
         "--latency", "-s", script, "-H", f"Authorization: Bearer {token}", url],
        capture_output=True, text=True, check=True,
    )
    server_cpu = cpu_seconds(server_pid) - cpu_before
    text = out.stdout + out.stderr

    def ms(value):
        number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    user, system = re.search(r"cpu ([\d.]+) ([\d.]+)", text).groups()
    return {
        "rps": rps, "p50": p50, "p99": p99,
        "bad": int(bad.group(1)) if bad else 0,
        "errors": errors.group(0) if errors else "",
        "server_cpu": server_cpu, "wrk_cpu": float(user) + float(system),
    }


# The send scripts make every request new: a fresh key per request, as a client sends one
# per message (a repeated key would be answered from the idempotency record, not written).
UNIQUE_LUA = """
local counter = 0
local prefix = ""
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  prefix = string.format("%08x-%04x", math.random(0, 0x7fffffff), math.random(0, 0xffff))
end
-- wrk.headers holds the Authorization given with -H; each request adds its own to a copy.
local function headers(extra)
  local all = {}
  for name, value in pairs(wrk.headers) do all[name] = value end
  for name, value in pairs(extra) do all[name] = value end
  return all
end
local function key()
  counter = counter + 1
  return string.format("%s-4%03x-8%03x-%012x", prefix, math.random(0, 0xfff),
    math.random(0, 0xfff), counter)
end
"""


def write_lua(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


# ---------------------------------------------------------------- Tsunagu


class Tsunagu:
    name = "tsunagu"

    def __init__(self, binary, posts):
        self.binary = binary
        self.snapshot = os.path.join(CACHE, f"tsunagu-{posts}")
        if not os.path.exists(os.path.join(self.snapshot, "group")):
            self.seed(posts)
        with open(os.path.join(self.snapshot, "group")) as f:
            self.group = f.read().strip()

    def seed(self, posts):
        log(f"seeding Tsunagu with {posts} posts (once; kept in {self.snapshot})")
        tmp = self.snapshot + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        out = subprocess.run(
            [self.binary, "seed-large", "--database-url",
             f"sqlite://{tmp}/tsunagu.db", "--posts", str(posts)],
            capture_output=True, text=True, check=True,
        )
        with open(os.path.join(tmp, "group"), "w") as f:
            f.write(out.stdout.strip().splitlines()[-1])
        shutil.rmtree(self.snapshot, ignore_errors=True)
        os.rename(tmp, self.snapshot)

    def start(self, workdir):
        shutil.copytree(self.snapshot, workdir, dirs_exist_ok=True)
        proc = subprocess.Popen(
            [self.binary, "serve", "--bind", "127.0.0.1:0", "--database-url",
             f"sqlite://{workdir}/tsunagu.db"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "RUST_LOG": "warn"},
        )
        for line in proc.stdout:
            found = re.search(r"Tsunagu listening on (\S+)", line)
            if found:
                self.base = found.group(1).rstrip("/")
                break
        else:
            raise SystemExit("the Tsunagu server exited while starting")
        # Keep draining stdout so the server never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        self.token = self.login("ns.tanaka")
        return proc

    def login(self, login_id):
        status, session = call("POST", f"{self.base}/api/v1/sessions",
                               {"login_id": login_id, "password": "Tsunagu-Demo-2026"})
        assert status == 201, (status, session)
        return session["token"]

    def read_url(self):
        return f"{self.base}/api/v1/groups/{self.group}/posts?limit=50"

    def send_url(self):
        return f"{self.base}/api/v1/groups/{self.group}/posts"

    def send_lua(self, path):
        return write_lua(path, UNIQUE_LUA + f"""
local body = '{json.dumps({"body": BODY}, ensure_ascii=False)}'
request = function()
  return wrk.format("POST", nil, headers({{["Content-Type"] = "application/json",
    ["Idempotency-Key"] = key()}}), body)
end
""")


# ---------------------------------------------------------------- Synapse


class Synapse:
    name = "synapse"

    def __init__(self, posts):
        self.venv = os.path.join(CACHE, f"synapse-{SYNAPSE_VERSION}-venv")
        self.python = os.path.join(self.venv, "bin", "python")
        if not os.path.exists(os.path.join(self.venv, "installed")):
            self.install()
        self.snapshot = os.path.join(CACHE, f"synapse-{SYNAPSE_VERSION}-{posts}")
        if not os.path.exists(os.path.join(self.snapshot, "bench.json")):
            self.seed(posts)
        with open(os.path.join(self.snapshot, "bench.json")) as f:
            self.meta = json.load(f)

    def install(self):
        log(f"installing Synapse {SYNAPSE_VERSION} from PyPI into {self.venv} (once)")
        shutil.rmtree(self.venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", self.venv], check=True)
        subprocess.run([self.python, "-m", "pip", "install", "-q",
                        f"matrix-synapse=={SYNAPSE_VERSION}"], check=True)
        open(os.path.join(self.venv, "installed"), "w").close()

    def configure(self, directory, port):
        """Writes homeserver.yaml for a server whose data lives in `directory`."""
        if not os.path.exists(os.path.join(directory, "bench.signing.key")):
            subprocess.run(
                [self.python, "-m", "synapse.app.homeserver", "--server-name", "bench.local",
                 "--config-path", os.path.join(directory, "generated.yaml"),
                 "--data-directory", directory, "--generate-config", "--report-stats=no"],
                check=True, capture_output=True, cwd=directory,
            )
            generated = open(os.path.join(directory, "generated.yaml")).read()
            key = re.search(r"^signing_key_path: \"?([^\"\n]+)", generated, re.M).group(1)
            shutil.copy(key, os.path.join(directory, "bench.signing.key"))
            secret = re.search(r"^macaroon_secret_key: \"?([^\"\n]+)", generated, re.M).group(1)
            form = re.search(r"^form_secret: \"?([^\"\n]+)", generated, re.M).group(1)
            with open(os.path.join(directory, "secrets.json"), "w") as f:
                json.dump({"macaroon": secret, "form": form}, f)
        secrets = json.load(open(os.path.join(directory, "secrets.json")))
        unlimited = {"per_second": 1000000, "burst_count": 1000000}
        config = {
            "server_name": "bench.local",
            "pid_file": os.path.join(directory, "homeserver.pid"),
            "listeners": [{
                "port": port, "tls": False, "type": "http", "x_forwarded": False,
                "bind_addresses": ["127.0.0.1"],
                "resources": [{"names": ["client"], "compress": False}],
            }],
            "database": {"name": "sqlite3",
                         "args": {"database": os.path.join(directory, "homeserver.db")}},
            "log_config": os.path.join(directory, "log.yaml"),
            "media_store_path": os.path.join(directory, "media_store"),
            "signing_key_path": os.path.join(directory, "bench.signing.key"),
            "macaroon_secret_key": secrets["macaroon"],
            "form_secret": secrets["form"],
            "report_stats": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "enable_registration": True,
            "enable_registration_without_verification": True,
            "presence": {"enabled": False},
            "rc_message": unlimited,
            "rc_registration": unlimited,
            "rc_joins": {"local": unlimited, "remote": unlimited},
            "rc_login": {"address": unlimited, "account": unlimited,
                         "failed_attempts": unlimited},
            "rc_invites": {"per_room": unlimited, "per_user": unlimited},
        }
        # JSON is YAML.
        with open(os.path.join(directory, "homeserver.yaml"), "w") as f:
            json.dump(config, f, indent=1)
        with open(os.path.join(directory, "log.yaml"), "w") as f:
            json.dump({"version": 1, "root": {"level": "WARNING", "handlers": []},
                       "disable_existing_loggers": False}, f)

    def launch(self, directory):
        port = free_port()
        self.configure(directory, port)
        self.base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            [self.python, "-m", "synapse.app.homeserver", "-c",
             os.path.join(directory, "homeserver.yaml")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=directory,
        )
        wait_until_up(f"{self.base}/_matrix/client/versions", proc)
        return proc

    def register(self, user):
        status, answer = call("POST", f"{self.base}/_matrix/client/v3/register", {
            "username": user, "password": "bench-password-0123",
            "auth": {"type": "m.login.dummy"},
        })
        assert status == 200, (status, answer)
        return answer["access_token"]

    def seed(self, posts):
        log(f"seeding Synapse with {posts} messages (once; kept in {self.snapshot})")
        tmp = self.snapshot + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        proc = self.launch(tmp)
        try:
            alice, bob = self.register("alice"), self.register("bob")
            status, room = call("POST", f"{self.base}/_matrix/client/v3/createRoom",
                                {"preset": "private_chat", "invite": ["@bob:bench.local"]},
                                token=alice)
            assert status == 200, (status, room)
            room = room["room_id"]
            quoted = urllib.parse.quote(room, safe="")
            status, _ = call("POST", f"{self.base}/_matrix/client/v3/join/{quoted}", {},
                             token=bob)
            assert status == 200
            def send(i):
                status, answer = call(
                    "PUT",
                    f"{self.base}/_matrix/client/v3/rooms/{quoted}/send/m.room.message/seed{i}",
                    {"msgtype": "m.text", "body": f"{BODY} #{i}"},
                    token=alice if i % 2 else bob)
                assert status == 200, (status, answer)
            with ThreadPoolExecutor(16) as pool:
                list(pool.map(send, range(posts)))
            with open(os.path.join(tmp, "bench.json"), "w") as f:
                json.dump({"room": room, "token": alice}, f)
        finally:
            stop(proc)
        shutil.rmtree(self.snapshot, ignore_errors=True)
        os.rename(tmp, self.snapshot)

    def start(self, workdir):
        shutil.copytree(self.snapshot, workdir, dirs_exist_ok=True)
        proc = self.launch(workdir)
        self.token = self.meta["token"]
        return proc

    def room_path(self):
        return f"/_matrix/client/v3/rooms/{urllib.parse.quote(self.meta['room'], safe='')}"

    def read_url(self):
        return f"{self.base}{self.room_path()}/messages?dir=b&limit=50"

    def send_url(self):
        return f"{self.base}{self.room_path()}/send/m.room.message/"

    def send_lua(self, path):
        prefix = self.room_path() + "/send/m.room.message/"
        body = json.dumps({"msgtype": "m.text", "body": BODY}, ensure_ascii=False)
        return write_lua(path, UNIQUE_LUA + f"""
local body = '{body}'
request = function()
  return wrk.format("PUT", "{prefix}" .. key(), headers({{["Content-Type"] = "application/json"}}),
    body)
end
""")


# ---------------------------------------------------------------- measuring


def measure(server, op, conns, secs, tmp):
    workdir = tempfile.mkdtemp(dir=tmp)
    proc = server.start(workdir)
    try:
        if op == "read":
            url, script = server.read_url(), write_lua(os.path.join(tmp, "read.lua"), "")
        else:
            url, script = server.send_url(), server.send_lua(os.path.join(tmp, "send.lua"))
        # Warm the caches (and Synapse's JIT-less interpreter) the same way for both.
        run_wrk(url, 4, 2, script, server.token, proc.pid)
        return run_wrk(url, conns, secs, script, server.token, proc.pid)
    finally:
        stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def live_delay(tsunagu, secs, tmp):
    """While 16 connections send, how late each new post reaches a member's event stream."""
    workdir = tempfile.mkdtemp(dir=tmp)
    proc = tsunagu.start(workdir)
    delays, stop_reading = [], threading.Event()
    try:
        reader = tsunagu.login("hh.ito")
        host, port = tsunagu.base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=secs + 30)
        conn.request("GET", "/api/v1/events", headers={"Authorization": f"Bearer {reader}"})
        response = conn.getresponse()
        assert response.status == 200

        def read():
            event = None
            while not stop_reading.is_set():
                line = response.fp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\n")
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "post.created":
                    post = json.loads(line[5:])
                    created = calendar.timegm(time.strptime(post["created_at"][:19],
                                                            "%Y-%m-%dT%H:%M:%S"))
                    created += float("0." + post["created_at"][20:23])
                    delays.append((time.time() - created) * 1000)
                elif not line:
                    event = None

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        script = tsunagu.send_lua(os.path.join(tmp, "send.lua"))
        result = run_wrk(tsunagu.send_url(), 16, secs, script, tsunagu.token, proc.pid)
        time.sleep(1)
        stop_reading.set()
        return result, delays
    finally:
        stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tsunagu-bin", required=True)
    parser.add_argument("--posts", type=int, default=int(os.environ.get("POSTS", 10000)))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 3)))
    parser.add_argument("--secs", type=int, default=int(os.environ.get("SECS", 20)))
    parser.add_argument("--ops", default=os.environ.get("OPS", "read,send"),
                        help="which operations (read,send)")
    parser.add_argument("--only-tsunagu", action="store_true",
                        default=bool(os.environ.get("ONLY_TSUNAGU")),
                        help="skip Synapse (to compare Tsunagu builds; no ratios)")
    args = parser.parse_args()
    os.makedirs(CACHE, exist_ok=True)
    tsunagu = Tsunagu(args.tsunagu_bin, args.posts)
    synapse = None if args.only_tsunagu else Synapse(args.posts)
    ops = [op for op in ("read", "send") if op in args.ops.split(",")]
    tmp = tempfile.mkdtemp(prefix="bench-vs-synapse-")
    try:
        results = {}
        for op in ops:
            for conns in (16, 64):
                for server in (tsunagu, synapse):
                    if server is None:
                        continue
                    runs = [measure(server, op, conns, args.secs, tmp) for _ in range(args.runs)]
                    results[(server.name, op, conns)] = {
                        key: statistics.median(r[key] for r in runs)
                        for key in ("rps", "p50", "p99", "server_cpu", "wrk_cpu")
                    } | {"bad": sum(r["bad"] for r in runs),
                         "errors": "; ".join(r["errors"] for r in runs if r["errors"])}
        print(f"== Tsunagu and Synapse {SYNAPSE_VERSION}, both on SQLite: a group/room of "
              f"{args.posts} messages, wrk -t1, median of {args.runs} x {args.secs} s ==")
        print(f"{'op':5} {'conns':>5} | {'tsunagu req/s':>13} {'p50':>7} {'p99':>7} | "
              f"{'synapse req/s':>13} {'p50':>7} {'p99':>7} | {'req/s ratio':>11} "
              f"{'p99 ratio':>9} | cpu s server/wrk tsunagu, synapse")
        for op in ops:
            for conns in (16, 64):
                t = results[("tsunagu", op, conns)]
                s = results.get(("synapse", op, conns))
                if s is None:
                    print(f"{op:5} {conns:5} | {t['rps']:13.0f} {t['p50']:7.2f} {t['p99']:7.2f} | "
                          f"{'-':>13} | cpu s server/wrk {t['server_cpu']:.1f}/{t['wrk_cpu']:.1f}"
                          + (f"  ({t['bad']} non-2xx)" if t["bad"] else ""))
                    continue
                notes = "".join(f"  ({r['bad']} non-2xx {n})" for n, r in
                                (("tsunagu", t), ("synapse", s)) if r["bad"])
                print(f"{op:5} {conns:5} | {t['rps']:13.0f} {t['p50']:7.2f} {t['p99']:7.2f} | "
                      f"{s['rps']:13.0f} {s['p50']:7.2f} {s['p99']:7.2f} | "
                      f"{t['rps'] / s['rps']:10.1f}x {s['p99'] / t['p99']:8.1f}x | "
                      f"{t['server_cpu']:.1f}/{t['wrk_cpu']:.1f}, "
                      f"{s['server_cpu']:.1f}/{s['wrk_cpu']:.1f}{notes}")
        print("(latencies in ms; req/s ratio = Tsunagu/Synapse, p99 ratio = Synapse/Tsunagu; "
              "goals: ratios >= 10, Tsunagu p99 <= 20 ms read, <= 50 ms send)")
        result, delays = live_delay(tsunagu, args.secs, tmp)
        sent = round(result["rps"] * args.secs)
        if delays:
            ordered = sorted(delays)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            print(f"live delay while 16 connections send ({result['rps']:.0f} posts/s): "
                  f"p50 {statistics.median(ordered):.0f} ms, p99 {p99:.0f} ms, "
                  f"max {ordered[-1]:.0f} ms over {len(ordered)} events (~{sent} sent; "
                  f"goal p99 <= 200 ms; created_at has ms precision)")
        else:
            print("live delay: no event arrived")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
