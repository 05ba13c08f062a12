#!/usr/bin/env python3
"""Writes the example year of events (examples/events/*.jsonl) for the reference contract.

Deterministic: the same files every run.  The year is ordinary except for the months designed
to breach, so the report can be checked by hand (examples/README.md lists them):

  2026-04  ticket responses average 40 min, no serious impact   -> minor.5   3%
  2026-06  a 150-minute outage, impact "incident"               -> minor.2   3%
           June availability 99.65% < 99.9, not serious          -> minor.1   5%
  2026-07  ticket recoveries average 90 min, not serious        -> minor.7   3%
  2026-08  an onsite gap of 90 min, no impact                   -> minor.9   3%
  2026-10  tamper during 国庆, plan not followed, reported, 45 min -> B.tamper (no money)
  2026-11  one security event answered after 150 min            -> finding
  2026-12  a rectification notice not handled correctly         -> minor.4   5%
  2027-01  work items poorly done: month score below 60         -> minor.11  4%
  staffing: one replacement with 5 days' notice                 -> a violation (no termination)
                                                          total 26% of 171960.00 = 44709.60
"""
import json
import os
import random
from datetime import datetime, timedelta, timezone

TZ = timezone(timedelta(hours=8))
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "events")
MONTHS = ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09",
          "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"]

rng = random.Random(20260304)


def ts(dt):
    return dt.astimezone(TZ).isoformat(timespec="seconds")


def month_start(label):
    y, m = map(int, label.split("-"))
    start = datetime(y, m, 1, tzinfo=TZ)
    return max(start, datetime(2026, 3, 4, tzinfo=TZ))


def month_days(label):
    y, m = map(int, label.split("-"))
    if label == "2027-03":
        return 3
    nxt = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=TZ)
    return (nxt - month_start(label)).days


def write(name, events):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for e in events:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")


def around(mean, n, width):
    """n whole-minute values in [mean - width, mean + width] averaging exactly `mean`."""
    deltas = [rng.randint(0, width) for _ in range(n // 2)]
    values = [mean + d for d in deltas] + [mean - d for d in deltas] + [mean] * (n % 2)
    rng.shuffle(values)
    return values


def tickets():
    events = []
    for label in MONTHS:
        n = 3 if label == "2027-03" else 14
        response_mean = 40 if label == "2026-04" else 18
        extra_mean = (90 if label == "2026-07" else 45) - response_mean
        responses = around(response_mean, n, 8)
        extras = around(extra_mean, n, min(extra_mean, 15))
        start, days = month_start(label), month_days(label)
        for i in range(n):
            opened = start + timedelta(days=(i * days) // n, hours=9 + rng.randint(0, 8), minutes=rng.randint(0, 59))
            events.append({"type": "ticket", "id": f"t-{label}-{i + 1:02d}", "opened": ts(opened),
                           "responded": ts(opened + timedelta(minutes=responses[i])),
                           "restored": ts(opened + timedelta(minutes=responses[i] + extras[i]))})
    return events


def security_events():
    events = []
    for label in MONTHS:
        start = month_start(label)
        for i in range(2):
            detected = start + timedelta(days=i * (month_days(label) - 1), hours=14, minutes=rng.randint(0, 59))
            minutes = 150 if (label == "2026-11" and i == 1) else rng.randint(4, 12)
            events.append({"type": "security_event", "id": f"s-{label}-{i + 1}", "detected": ts(detected),
                           "responded": ts(detected + timedelta(minutes=minutes))})
    return events


def operations():
    at = lambda *a: datetime(*a, tzinfo=TZ)
    return [
        {"type": "outage", "id": "o-1", "start": ts(at(2026, 5, 12, 2, 0)), "end": ts(at(2026, 5, 12, 2, 20)),
         "affected_users": 12},
        {"type": "outage", "id": "o-2", "start": ts(at(2026, 6, 16, 10, 0)), "end": ts(at(2026, 6, 16, 12, 30)),
         "affected_users": 80, "loss": "20000.00", "impact": "incident"},
        {"type": "outage", "id": "o-3", "start": ts(at(2026, 9, 3, 1, 0)), "end": ts(at(2026, 9, 3, 1, 30)),
         "provider_fault": False, "impact": "incident"},
        {"type": "onsite_gap", "id": "g-1", "start": ts(at(2026, 8, 20, 13, 0)), "end": ts(at(2026, 8, 20, 14, 30))},
        {"type": "onsite_gap", "id": "g-2", "start": ts(at(2026, 11, 5, 9, 0)), "end": ts(at(2026, 11, 5, 9, 40))},
    ]


def incidents():
    at = lambda *a: datetime(*a, tzinfo=TZ)
    return [
        {"type": "tamper", "id": "x-1", "at": ts(at(2026, 10, 3, 21, 10)), "handled": ts(at(2026, 10, 3, 21, 55)),
         "plan_followed": False, "reported": True, "impact": "incident"},
        {"type": "intrusion", "id": "x-2", "at": ts(at(2026, 9, 10, 3, 0)), "notice": ts(at(2026, 9, 1, 10, 0)),
         "handled": ts(at(2026, 9, 2, 16, 0))},
        {"type": "data_loss", "id": "x-3", "at": ts(at(2026, 12, 2, 11, 0)), "months_lost": 0.1, "recoverable": True},
        {"type": "rectification_notice", "id": "x-4", "at": ts(at(2026, 12, 15, 10, 0)), "handled_correctly": False,
         "impact": "incident"},
        {"type": "rectification_notice", "id": "x-5", "at": ts(at(2026, 5, 20, 10, 0)), "handled_correctly": True},
    ]


# 附件7 items: which months schedule them (all months unless listed).
OCCASIONAL = {
    "vulnerability_check": {"2026-06", "2026-12"}, "hardening": {"2026-07", "2027-01"},
    "penetration_test": {"2026-08", "2027-02"}, "emergency_drill": {"2026-09", "2027-02"},
    "special_period_duty": {"2026-04", "2026-05", "2026-10", "2027-01", "2027-02"},
    "emergency_response": {"2026-06", "2026-10"}, "self_inspection": {"2026-05", "2026-11"},
}
MONTHLY = ["security_inspection", "log_analysis", "website_monitoring", "antivirus_update", "data_backup",
           "signature_service", "encryption_service", "ssl_service", "sm2_ov_certificate", "timestamp_service",
           "app_crypto_integration"]


def work_items():
    events = []
    for label in MONTHS:
        items = MONTHLY + [k for k, months in OCCASIONAL.items() if label in months]
        for item in items:
            if label == "2027-01":
                fr = [0.4, 0.5, 0.6]
            else:
                fr = [rng.choice([0.9, 0.95, 1]), rng.choice([0.85, 0.9, 0.95, 1]), rng.choice([0.8, 0.9, 1])]
            events.append({"type": "work_item", "id": f"w-{label}-{item}", "month": label, "item": item,
                           "timeliness": fr[0], "quality": fr[1], "documentation": fr[2]})
    return events


DELIVERABLE_MONTHLY = ["security_inspection_report", "antivirus_scan", "virus_db_update", "backup_restore_check",
                       "monthly_progress_report"]


def administration():
    at = lambda *a: datetime(*a, tzinfo=TZ)
    events = [
        {"type": "funds_disbursed", "id": "f-1", "at": ts(at(2026, 3, 20, 10, 0))},
        {"type": "protection_period", "id": "p-1", "name": "中国国际服务贸易交易会", "start": ts(at(2026, 9, 9)),
         "end": ts(at(2026, 9, 15))},
        {"type": "staff_change", "id": "c-1", "at": ts(at(2026, 6, 1, 9, 0)), "kind": "replacement",
         "approved": True, "notice_days": 15},
        {"type": "staff_change", "id": "c-2", "at": ts(at(2026, 11, 20, 9, 0)), "kind": "replacement",
         "approved": True, "notice_days": 5, "corrected": True},
        {"type": "satisfaction", "id": "v-1", "at": ts(at(2027, 3, 20, 10, 0)), "percent": 93.5},
    ]
    n = 0
    for label in MONTHS[1:]:  # reports of a month arrive in the next one, by the 10th
        latest = min(8, month_days(label) - 1)  # the term ends on 2027-03-03
        day = month_start(label) + timedelta(days=rng.randint(0, latest), hours=10)
        for kind in DELIVERABLE_MONTHLY:
            n += 1
            events.append({"type": "deliverable", "id": f"d-{n}", "at": ts(day), "kind": kind})
    for kind, months in [("vulnerability_report", ["2026-06", "2026-12"]), ("hardening_report", ["2026-07", "2027-01"]),
                         ("pentest_report", ["2026-08", "2027-02"]), ("log_analysis_report", ["2026-09", "2027-02"]),
                         ("drill_report", ["2026-09", "2027-02"]), ("plan_revision", ["2026-05"])]:
        for label in months:
            n += 1
            events.append({"type": "deliverable", "id": f"d-{n}", "at": ts(month_start(label) + timedelta(days=20)),
                           "kind": kind})
    day = datetime(2026, 3, 4, 23, 0, tzinfo=TZ)
    while day < datetime(2027, 3, 4, tzinfo=TZ):
        n += 1
        events.append({"type": "deliverable", "id": f"d-{n}", "at": ts(day), "kind": "backup_differential"})
        if day.weekday() == 6:
            n += 1
            events.append({"type": "deliverable", "id": f"d-{n}", "at": ts(day), "kind": "backup_full"})
        day += timedelta(days=1)
    return events


def main():
    os.makedirs(OUT, exist_ok=True)
    write("tickets.jsonl", tickets())
    write("security.jsonl", security_events())
    write("operations.jsonl", operations())
    write("incidents.jsonl", incidents())
    write("scores.jsonl", work_items())
    write("administration.jsonl", administration())


if __name__ == "__main__":
    main()
