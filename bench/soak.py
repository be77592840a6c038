#!/usr/bin/env python3
"""Soak load for `bench/soak.sh`: a steady mix of valid, invalid, throttled and replayed v1
calls against one `einv serve --demo`, every answer classified, RSS sampled.

Kinds (each answer must be what its kind intends, anything else fails the run):
  valid      carrierInvChk with the demo User's code, from rotating client IPs  -> code 200
  invalid    carrierInvChk with an impossible date (2026/02/30)                  -> the refusal code
             (not a wrong verification code: that is a guess, and the Platform's per-account
             guessing cost would rightly lock the demo User out of the valid mix too)
  throttled  carrierInvChk from one client IP far over its per-IP limit (R4.6)   -> 200 or 950
  replayed   a signed QryWinningList sent twice, byte for byte                   -> 200 twice, same body
Standard library only, so it runs wherever the server does.
"""
import base64, hashlib, hmac, http.client, json, os, random, sys, threading, time
from urllib.parse import urlencode

import benchlib

HOST, PORT = "127.0.0.1", int(os.environ["PORT"])
DURATION = float(os.environ.get("SECONDS_TOTAL", "180"))
RATE = float(os.environ.get("RATE", "200"))  # requests per second, all kinds together
THREADS = int(os.environ.get("THREADS", "8"))
PID = int(os.environ["SERVER_PID"])
demo = json.load(open(os.environ["DEMO_JSON"]))
MIX = [("valid", 6), ("invalid", 2), ("throttled", 1), ("replayed", 1)]


def invalid_carrier(device):
    params = carrier(demo["cardEncrypt"], device)
    params["startDate"] = "2026/02/30"
    return params


def carrier(code, device):
    now = time.time()
    return {
        "version": "0.5", "action": "carrierInvChk", "cardType": "3J0002",
        "cardNo": demo["cardNo"], "cardEncrypt": code,
        "timeStamp": str(int(now) + 10), "expTimeStamp": "2147483647",
        "startDate": time.strftime("%Y/%m/01"), "endDate": time.strftime("%Y/%m/%d"),
        "onlyWinningInv": "N", "uuid": device, "appID": demo["appID"],
    }


TERM = "11408"  # replaced in main() by a period the demo has drawn


def signed_winning(n, term=None):
    params = {"version": "0.2", "action": "QryWinningList", "invTerm": term or TERM,
              "UUID": "soak-%d" % n, "appID": demo["appID"]}
    text = "&".join(sorted("%s=%s" % kv for kv in params.items()))
    mac = hmac.new(demo["apiKey"].encode(), text.encode(), hashlib.sha256).digest()
    params["signature"] = base64.b64encode(mac).decode()
    return params


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts, self.latencies, self.unexpected = {}, [], []

    def add(self, kind, code, ms, ok, body):
        with self.lock:
            key = "%s %s" % (kind, code)
            self.counts[key] = self.counts.get(key, 0) + 1
            self.latencies.append(ms)
            if not ok and len(self.unexpected) < 5:
                self.unexpected.append("%s: %s" % (kind, body[:200]))
            if not ok:
                self.counts["UNEXPECTED"] = self.counts.get("UNEXPECTED", 0) + 1


def post(conn, path, params, ip):
    body = urlencode(params)
    started = time.perf_counter()
    conn.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                      "X-Forwarded-For": ip})
    res = conn.getresponse()
    text = res.read().decode()
    ms = (time.perf_counter() - started) * 1000
    try:
        code = json.loads(text).get("code")
    except ValueError:
        code = "non-json-%d" % res.status
    return str(code), text, ms


def worker(tally, deadline, refusal, seq):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    kinds = [k for k, w in MIX for _ in range(w)]
    interval = THREADS / RATE
    next_at = time.perf_counter()
    while time.time() < deadline:
        kind = random.choice(kinds)
        n = next(seq)
        if kind == "valid":
            ip = "10.%d.%d.%d" % ((n >> 16) & 255, (n >> 8) & 255, n & 255)
            code, body, ms = post(conn, "/PB2CAPIVAN/invServ/InvServ", carrier(demo["cardEncrypt"], "soak-%d" % n), ip)
            tally.add(kind, code, ms, code == "200", body)
        elif kind == "invalid":
            code, body, ms = post(conn, "/PB2CAPIVAN/invServ/InvServ", invalid_carrier("soak-%d" % n), "10.250.0.%d" % (n % 250 + 1))
            tally.add(kind, code, ms, code == refusal, body)
        elif kind == "throttled":
            code, body, ms = post(conn, "/PB2CAPIVAN/invServ/InvServ", carrier(demo["cardEncrypt"], "soak-t"), "203.0.113.9")
            tally.add(kind, code, ms, code in ("200", "950"), body)
        else:
            params = signed_winning(n)
            ip = "10.251.0.%d" % (n % 250 + 1)
            first = post(conn, "/PB2CAPIVAN/invapp/InvApp", params, ip)
            again = post(conn, "/PB2CAPIVAN/invapp/InvApp", params, ip)
            tally.add(kind, first[0], first[2], first[0] == "200", first[1])
            tally.add(kind + "-again", again[0], again[2], again[0] == "200" and again[1] == first[1], again[1])
        next_at += interval
        pause = next_at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)


def rss_kib():
    return benchlib.rss_kib(PID)


def main():
    # The refusal a wrong verification code gets, asked once before the clock starts.
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    refusal, body, _ = post(conn, "/PB2CAPIVAN/invServ/InvServ", invalid_carrier("probe"), "10.252.0.1")
    if refusal == "200":
        sys.exit("an impossible date was accepted: " + body)
    # The latest period the demo has drawn: the replayed kind asks for its winning numbers.
    global TERM
    TERM = benchlib.latest_drawn_term(
        lambda back, term: post(conn, "/PB2CAPIVAN/invapp/InvApp", signed_winning(-back - 1, term),
                                "10.253.0.1")[0] == "200")
    tally, counter = Tally(), iter(range(10**12))
    lock = threading.Lock()

    def seq_next(_=None):
        with lock:
            return next(counter)

    class Seq:
        def __next__(self):
            return seq_next()

    deadline = time.time() + DURATION
    threads = [threading.Thread(target=worker, args=(tally, deadline, refusal, Seq())) for _ in range(THREADS)]
    for t in threads:
        t.start()
    samples, started = [], time.time()
    while any(t.is_alive() for t in threads):
        samples.append((round(time.time() - started), rss_kib()))
        time.sleep(5)
    for t in threads:
        t.join()
    lat = sorted(tally.latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] if lat else 0
    total = len(lat)
    print("requests %d in %.0f s (%.0f/s), refusal code for an impossible date: %s" % (total, DURATION, total / DURATION, refusal))
    for key in sorted(tally.counts):
        print("  %-24s %d" % (key, tally.counts[key]))
    print("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f" % (pct(0.5), pct(0.9), pct(0.99), lat[-1] if lat else 0))
    rss = [r for _, r in samples if r]
    print("RSS KiB every 5 s: " + " ".join(str(r) for r in rss))
    if rss:
        settled = rss[len(rss) // 3:]
        growth = (settled[-1] - settled[0]) / settled[0] if settled[0] else 0
        print("RSS after warm-up: first %d KiB, last %d KiB, change %+.1f%%" % (settled[0], settled[-1], growth * 100))
    if tally.counts.get("UNEXPECTED"):
        print("UNEXPECTED answers:\n  " + "\n  ".join(tally.unexpected))
        sys.exit(1)


if __name__ == "__main__":
    main()
