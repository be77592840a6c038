#!/usr/bin/env python3
"""Load for `bench/argon2_bound.sh`: bursts of 50 parallel wrong guesses against one
`einv serve --demo`, the server's RSS sampled, cheap calls timed before and during each burst.

Each guess comes from its own /24 (X-Forwarded-For, the loopback proxy is trusted), so neither
the per-(account, network) nor the per-IP guessing delay refuses it before hashing, and 50 stay
under the account-wide 100: every guess reaches argon2. Standard library only.
"""
import http.client, json, os, re, statistics, sys, threading, time
from urllib.parse import urlencode

import benchlib

HOST, PORT = "127.0.0.1", int(os.environ["PORT"])
PID = int(os.environ["SERVER_PID"])
BURST = int(os.environ.get("BURST", "50"))
demo = json.load(open(os.environ["DEMO_JSON"]))


def rss_kib(field="VmRSS"):
    return benchlib.rss_kib(PID, field)


def reset_peak():
    # Linux: writing 5 to clear_refs resets VmHWM to the current RSS.
    with open("/proc/%d/clear_refs" % PID, "w") as f:
        f.write("5")


def request(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=120)
    conn.request(method, path, body=body, headers=headers or {})
    res = conn.getresponse()
    data = res.read()
    conn.close()
    return res, data


def form(params, client_ip, cookie=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": client_ip}
    if cookie:
        headers["Cookie"] = cookie
    return urlencode(params), headers


def wrong_code(n):
    now = time.time()
    body, headers = form({
        "version": "0.5", "action": "carrierInvChk", "cardType": "3J0002",
        "cardNo": demo["cardNo"], "cardEncrypt": "Wrong%04d" % n,
        "timeStamp": str(int(now) + 10), "expTimeStamp": "2147483647",
        "startDate": time.strftime("%Y/%m/01"), "endDate": time.strftime("%Y/%m/%d"),
        "onlyWinningInv": "N", "uuid": "argon2-%d" % n, "appID": demo["appID"],
    }, "10.1.%d.1" % n)
    def send():
        res, data = request("POST", "/PB2CAPIVAN/invServ/InvServ", body, headers)
        return json.loads(data).get("code")
    return send


def wrong_password(n):
    ip = "10.2.%d.1" % n
    res, data = request("GET", "/developer/login", headers={"X-Forwarded-For": ip})
    cookie = next(v.split(";")[0] for k, v in res.getheaders()
                  if k.lower() == "set-cookie" and v.startswith("einv_form="))
    csrf = re.search(rb'name="csrf" value="([0-9a-f]{64})"', data).group(1).decode()
    body, headers = form({"email": "argon2-bench@example.com", "password": "wrong %d" % n,
                          "csrf": csrf}, ip, cookie)
    def send():
        res, _ = request("POST", "/developer/login", body, headers)
        return res.status
    return send


TERM = "11408"  # replaced in main() by a period the demo has drawn


def winning_list(term=None):
    body, headers = form({"version": "0.2", "action": "QryWinningList", "invTerm": term or TERM,
                          "UUID": "argon2-probe", "appID": demo["appID"]}, "10.3.0.1")
    return request("POST", "/PB2CAPIVAN/invapp/InvApp", body, headers)


def cheap_calls(stop, out):
    """Times /healthz and QryWinningList, one after the other, until `stop` is set."""
    while not stop.is_set():
        for name, call in (("healthz", lambda: request("GET", "/healthz")),
                           ("QryWinningList", winning_list)):
            start = time.perf_counter()
            call()
            out.setdefault(name, []).append((time.perf_counter() - start) * 1000)


def summary(ms):
    ms = sorted(ms)
    return "n=%d p50 %.1f ms, max %.1f ms" % (len(ms), statistics.median(ms), ms[-1])


def burst(label, make):
    senders = [make(n) for n in range(BURST)]  # forms fetched before the clock starts
    before = {}
    stop = threading.Event()
    probe = threading.Thread(target=cheap_calls, args=(stop, before))
    probe.start(); time.sleep(2); stop.set(); probe.join()
    rss_before = rss_kib()
    reset_peak()
    answers, during = [], {}
    stop = threading.Event()
    probe = threading.Thread(target=cheap_calls, args=(stop, during))
    gate = threading.Barrier(BURST + 1)
    def run(send):
        gate.wait()
        answers.append(send())
    workers = [threading.Thread(target=run, args=(s,)) for s in senders]
    for w in workers:
        w.start()
    probe.start()
    start = time.perf_counter()
    gate.wait()
    for w in workers:
        w.join()
    took = time.perf_counter() - start
    stop.set(); probe.join()
    peak = rss_kib("VmHWM")
    time.sleep(3)
    after = rss_kib()
    counts = {}
    for a in answers:
        counts[a] = counts.get(a, 0) + 1
    print("== %d parallel %s: answers %s in %.2f s" % (BURST, label, counts, took))
    print("   RSS before %.1f MiB, peak %.1f MiB (+%.1f), after %.1f MiB"
          % (rss_before / 1024, peak / 1024, (peak - rss_before) / 1024, after / 1024))
    for name in ("healthz", "QryWinningList"):
        print("   %-15s before: %s | during: %s" % (name, summary(before[name]), summary(during.get(name, [0.0]))))


def main():
    global TERM
    TERM = benchlib.latest_drawn_term(
        lambda _, term: json.loads(winning_list(term)[1]).get("code") == "200")
    burst("wrong verification codes (v1 carrierInvChk)", wrong_code)
    burst("wrong passwords (/developer/login)", wrong_password)


if __name__ == "__main__":
    main()
