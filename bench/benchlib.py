"""What the bench/*.py load scripts share: the server's memory and the period to ask for.
Standard library only, so it runs wherever the server does."""
import time


def rss_kib(pid, field="VmRSS"):
    """The server's `field` line of /proc/PID/status (VmRSS: resident now; VmHWM: its peak)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit("no %s for the server" % field)


def latest_drawn_term(answers):
    """The latest period (ROC year and even month, e.g. "11408") within a year back for which
    `answers(back, term)` is true: the demo draws only some periods."""
    year, month = time.localtime().tm_year - 1911, time.localtime().tm_mon
    month += month % 2  # periods are named by their even month
    for back in range(12):
        m = month - 2 * back
        term = "%03d%02d" % (year + (m - 1) // 12, (m - 1) % 12 + 1)
        if answers(back, term):
            return term
    raise SystemExit("no drawn period answers QryWinningList")
