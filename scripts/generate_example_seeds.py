"""Generate the seed CSVs of example_project/ (a fictional B2B SaaS shop, "Quillstack").

Deterministic (fixed random seed, stdlib only). Run from the repository root:

    python scripts/generate_example_seeds.py

It (re)writes example_project/seeds/raw_*.csv. The data carries growth, seasonality and a few
deliberate 2026 trends (trial conversion slipping, support getting slower, customer satisfaction
falling) so that the example KPIs land on track, at risk and off track for May 2026.
"""

from __future__ import annotations

import calendar
import csv
import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20250101
START = date(2025, 1, 1)
END = date(2026, 6, 30)
OUT_DIR = Path("example_project") / "seeds"

# Month-of-year demand factor for a B2B tool: slow summer and December, busy spring and autumn.
SEASON = {1: 1.00, 2: 1.05, 3: 1.15, 4: 1.10, 5: 1.05, 6: 0.95,
          7: 0.85, 8: 0.80, 9: 1.05, 10: 1.10, 11: 1.00, 12: 0.75}

PLANS = {  # plan: (monthly list price, share of new customers)
    "starter": (290, 0.55),
    "growth": (990, 0.35),
    "enterprise": (2900, 0.10),
}
INDUSTRIES = ["software", "retail", "manufacturing", "healthcare", "financial_services", "education"]
REGIONS = ["EMEA", "NA", "APAC", "LATAM"]
REGION_WEIGHTS = [0.40, 0.38, 0.15, 0.07]
TRIAL_CHANNELS = ["organic", "paid_search", "referral", "partner"]
TRIAL_CHANNEL_WEIGHTS = [0.45, 0.30, 0.15, 0.10]
WEB_CHANNELS = {"organic": 230, "paid_search": 150, "referral": 55}  # base sessions per weekday
PRIORITIES = ["low", "normal", "high", "urgent"]
PRIORITY_WEIGHTS = [0.30, 0.45, 0.18, 0.07]
COMPANY_A = ["North", "Blue", "Iron", "Bright", "Silver", "Oak", "Red", "Clear", "Swift", "Granite",
             "Harbor", "Cedar", "Lumen", "Atlas", "Pioneer", "Summit", "Vertex", "Maple", "Nimbus", "Delta"]
COMPANY_B = ["field", "stone", "works", "labs", "logic", "point", "bridge", "wave", "line", "forge",
             "path", "gate", "mark", "sight", "grid"]
COMPANY_C = ["Ltd", "GmbH", "Inc", "BV", "SA", "AB", "Co"]

rng = random.Random(SEED)


def days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def progress(d: date) -> float:
    """0.0 at START, 1.0 at END."""
    return (d - START).days / (END - START).days


def poisson(lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:  # normal approximation keeps big counts fast
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def weekday_factor(d: date) -> float:
    return 1.15 if d.weekday() < 5 else 0.6


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def company_name() -> str:
    return f"{rng.choice(COMPANY_A)}{rng.choice(COMPANY_B)} {rng.choice(COMPANY_C)}"


def pick_plan() -> str:
    return rng.choices(list(PLANS), weights=[w for _, w in PLANS.values()])[0]


def conversion_probability(d: date) -> float:
    """Share of trials that ever buy: steady in 2025, slipping from early 2026 (a pricing change)."""
    if d < date(2026, 1, 1):
        return 0.27
    months_in = (d.year - 2026) * 12 + d.month - 1 + d.day / 31
    return max(0.14, 0.27 - 0.022 * months_in)


def support_strain(d: date) -> float:
    """0 in 2025; grows through 2026 as the customer base outgrows the support team."""
    if d < date(2026, 1, 1):
        return 0.0
    return min(1.0, ((d - date(2026, 1, 1)).days + 1) / 150)


# --------------------------------------------------------------------------------------------
customers: list[dict] = []
trials: list[dict] = []
account_seq = 1000


def new_account_id() -> str:
    global account_seq
    account_seq += 1
    return f"A{account_seq:05d}"


# Sales-led customers migrated from the legacy billing system (signed in 2024, no self-serve trial).
for _ in range(85):
    created = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 366))
    customers.append({
        "customer_id": new_account_id(),
        "company_name": company_name(),
        "industry": rng.choice(INDUSTRIES),
        "region": rng.choices(REGIONS, weights=REGION_WEIGHTS)[0],
        "plan": rng.choices(list(PLANS), weights=[0.40, 0.40, 0.20])[0],
        "billing_period": rng.choices(["monthly", "annual"], weights=[0.6, 0.4])[0],
        "acquisition_channel": "sales",
        "created_at": created,
    })

# Self-serve trials; some convert into customers.
trial_seq = 0
for d in days(START, END):
    lam = 2.1 * (1 + 0.55 * progress(d)) * SEASON[d.month] * weekday_factor(d)
    for _ in range(poisson(lam)):
        trial_seq += 1
        account_id = new_account_id()
        channel = rng.choices(TRIAL_CHANNELS, weights=TRIAL_CHANNEL_WEIGHTS)[0]
        started = datetime(d.year, d.month, d.day, rng.randrange(6, 23), rng.randrange(60))
        trials.append({
            "trial_id": f"T{trial_seq:05d}",
            "account_id": account_id,
            "started_at": started,
            "acquisition_channel": channel,
            "company_size": rng.choices(["1-10", "11-50", "51-200", "201-1000"], weights=[35, 40, 18, 7])[0],
        })
        if rng.random() < conversion_probability(d):
            # Most buy inside the 14-day trial, some after a nudge, a few much later.
            delay = rng.choices([rng.randint(1, 14), rng.randint(15, 30), rng.randint(31, 60)],
                                weights=[0.70, 0.22, 0.08])[0]
            converted = d + timedelta(days=delay)
            if converted <= END:
                customers.append({
                    "customer_id": account_id,
                    "company_name": company_name(),
                    "industry": rng.choice(INDUSTRIES),
                    "region": rng.choices(REGIONS, weights=REGION_WEIGHTS)[0],
                    "plan": pick_plan(),
                    "billing_period": rng.choices(["monthly", "annual"], weights=[0.78, 0.22])[0],
                    "acquisition_channel": channel,
                    "created_at": converted,
                })

# Invoices ("orders"): one a month (monthly billing) or one a year (annual billing), until churn.
orders: list[dict] = []
order_seq = 0
churned_on: dict[str, date] = {}
for c in customers:
    price = PLANS[c["plan"]][0]
    discount = rng.choice([0, 0, 0, 0.05, 0.10, 0.15])
    monthly = c["billing_period"] == "monthly"
    step = 1 if monthly else 12
    n = 0
    while True:
        due = add_months(c["created_at"], n * step)
        if due > END:
            break
        if n > 0:
            # Monthly plans churn a little every month, annual plans decide at renewal.
            churn_p = 0.022 if monthly else 0.15
            if rng.random() < churn_p:
                churned_on[c["customer_id"]] = due
                break
        n += 1
        if due < START:
            continue
        amount = price * (1 - discount) * (1 if monthly else 10)
        # Refunds creep up in 2026; a few invoices are voided.
        refund_p = 0.03 + 0.03 * support_strain(due)
        status = rng.choices(["completed", "refunded", "cancelled"],
                             weights=[1 - refund_p - 0.02, refund_p, 0.02])[0]
        order_seq += 1
        orders.append({
            "order_id": f"O{order_seq:06d}",
            "customer_id": c["customer_id"],
            "ordered_at": datetime(due.year, due.month, due.day, rng.randrange(0, 24), rng.randrange(60)),
            "plan": c["plan"],
            "billing_period": c["billing_period"],
            "amount": f"{amount:.2f}",
            "currency": "EUR",
            "status": status,
        })

# Daily web traffic by channel (an analytics export, one row per day and channel).
web: list[dict] = []
for d in days(START, END):
    for channel, base in WEB_CHANNELS.items():
        lam = base * (1 + 0.40 * progress(d)) * SEASON[d.month] * weekday_factor(d)
        sessions = max(1, round(lam * rng.uniform(0.85, 1.15)))
        pageviews = round(sessions * rng.uniform(2.2, 3.4))
        bounced = round(sessions * rng.uniform(0.35, 0.55))
        web.append({"session_date": d, "channel": channel, "sessions": sessions,
                    "pageviews": pageviews, "bounced_sessions": bounced})

# Support tickets from active customers.
SLA_MINUTES = {"low": 1440, "normal": 480, "high": 240, "urgent": 60}
tickets: list[dict] = []
ticket_seq = 0
for c in customers:
    first = max(c["created_at"], START)
    last = min(churned_on.get(c["customer_id"], END), END)
    for d in days(first, last):
        if rng.random() >= 0.33 / 30:
            continue
        strain = support_strain(d)
        ticket_seq += 1
        priority = rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS)[0]
        opened = datetime(d.year, d.month, d.day, rng.randrange(7, 20), rng.randrange(60))
        sla = SLA_MINUTES[priority]
        # First response: mostly well inside SLA in 2025; a growing tail breaches it in 2026.
        if rng.random() < 0.06 + 0.12 * strain:
            first_response = sla * rng.uniform(1.05, 3.0)
        else:
            first_response = sla * rng.uniform(0.05, 0.95)
        resolution_hours = rng.lognormvariate(math.log(15 * (1 + 0.9 * strain)), 0.6)
        resolved = opened + timedelta(hours=resolution_hours)
        if resolved.date() > END:
            resolved_at = ""
        else:
            resolved_at = resolved.strftime("%Y-%m-%d %H:%M:%S")
        csat = ""
        if resolved_at and rng.random() < 0.45:
            mean = 4.45 - 0.9 * strain
            csat = str(min(5, max(1, round(rng.gauss(mean, 0.8)))))
        tickets.append({
            "ticket_id": f"S{ticket_seq:05d}",
            "customer_id": c["customer_id"],
            "opened_at": opened.strftime("%Y-%m-%d %H:%M:%S"),
            "first_response_at": (opened + timedelta(minutes=first_response)).strftime("%Y-%m-%d %H:%M:%S"),
            "resolved_at": resolved_at,
            "priority": priority,
            "channel": rng.choices(["email", "chat", "phone"], weights=[0.5, 0.4, 0.1])[0],
            "csat_score": csat,
        })


def fmt(v):
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, date):
        return v.isoformat()
    return v


def write(name: str, rows: list[dict]) -> None:
    path = OUT_DIR / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: fmt(v) for k, v in row.items()})
    print(f"{path}: {len(rows)} rows")


if __name__ == "__main__":
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    customers.sort(key=lambda c: c["customer_id"])
    write("raw_customers", customers)
    write("raw_trials", trials)
    write("raw_orders", orders)
    write("raw_web_traffic", web)
    write("raw_support_tickets", tickets)
